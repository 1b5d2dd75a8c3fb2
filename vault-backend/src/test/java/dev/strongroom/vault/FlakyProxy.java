package dev.strongroom.vault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP proxy in front of a real server: requests whose path contains {@code match} first
 * get the scripted statuses (with a body carrying {@code canary}), then are forwarded. Counts the
 * matching requests. Thread-safe.
 */
final class FlakyProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final String match;
  private final ConcurrentLinkedQueue<Integer> script;
  private final String canary;
  final AtomicInteger hits = new AtomicInteger();
  private final java.util.concurrent.ExecutorService pool =
      java.util.concurrent.Executors.newCachedThreadPool();

  FlakyProxy(URI target, String match, List<Integer> statuses, String canary) throws IOException {
    this.target = target;
    this.match = match;
    this.script = new ConcurrentLinkedQueue<>(statuses);
    this.canary = canary;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool); // many clients at once (VaultFleetIT)
    server.start();
  }

  URI address() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().toString();
      if (path.contains(match)) {
        hits.incrementAndGet();
        Integer status = script.poll();
        if (status != null) {
          respond(
              exchange,
              status,
              ("{\"errors\":[\"" + canary + "\"]}").getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + path))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : List.of("X-Vault-Token", "X-Vault-Namespace", "Content-Type")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          forward.header(header, value);
        }
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        respond(exchange, 502, new byte[0]);
        return;
      }
      respond(exchange, answer.statusCode(), answer.body());
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (status == 204 || body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
