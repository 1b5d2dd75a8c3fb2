package dev.strongroom.aws;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP proxy in front of moto that does what moto does not: it learns each credential's
 * expiry from the STS responses it relays and refuses any request signed with an access key whose
 * expiry has passed. With {@code lifetime} set, it shortens the expiry it relays to that lifetime
 * (a proxy-side clock offset: a 900 s STS credential lives {@code lifetime} here), and the client
 * sees the shortened expiry. Thread-safe; for tests.
 */
final class ExpiryEnforcingProxy implements AutoCloseable {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
  private static final Pattern EXPIRATION = Pattern.compile("<Expiration>([^<]+)</Expiration>");
  private static final Set<String> RESTRICTED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  /** A credential STS issued through this proxy, with the expiry the proxy enforces. */
  record Issued(String accessKeyId, String secretKey, String sessionToken, Instant expiry) {
    @Override
    public String toString() {
      return "Issued[" + accessKeyId + ", expiry=" + expiry + "]";
    }
  }

  private final URI target;
  private final Duration lifetime;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();
  private final List<Issued> order = new CopyOnWriteArrayList<>();
  private final List<String> stsActions = new CopyOnWriteArrayList<>();
  private final List<String> signers = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();

  ExpiryEnforcingProxy(URI target, Duration lifetime) throws IOException {
    this.target = target;
    this.lifetime = lifetime;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Issued> issued() {
    return List.copyOf(order);
  }

  List<String> stsActions() {
    return List.copyOf(stsActions);
  }

  /** The access key ids of the non-STS requests, in order. */
  List<String> signers() {
    return List.copyOf(signers);
  }

  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String text = new String(body, StandardCharsets.UTF_8);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String akid = null;
      if (authorization != null) {
        Matcher m = CREDENTIAL.matcher(authorization);
        if (m.find()) {
          akid = m.group(1);
        }
      }
      Matcher action = Pattern.compile("Action=(AssumeRole\\w*)").matcher(text);
      boolean sts = action.find();
      if (sts) {
        stsActions.add(action.group(1));
      } else {
        signers.add(String.valueOf(akid));
      }
      Issued known = akid == null ? null : issued.get(akid);
      if (known != null && !Instant.now().isBefore(known.expiry())) {
        refused.incrementAndGet();
        byte[] answer =
            "{\"__type\":\"ExpiredTokenException\",\"message\":\"The security token included in the request is expired\"}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(400, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      byte[] answer = response.body();
      if (sts && response.statusCode() == 200) {
        answer = relayIssued(new String(answer, StandardCharsets.UTF_8));
      }
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private byte[] relayIssued(String xml) {
    Matcher m = EXPIRATION.matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("an STS answer without an expiry");
    }
    Instant stsExpiry = Instant.parse(m.group(1));
    Instant expiry = lifetime == null ? stsExpiry : Instant.now().plus(lifetime);
    Issued credential =
        new Issued(
            tag(xml, "AccessKeyId"), tag(xml, "SecretAccessKey"), tag(xml, "SessionToken"), expiry);
    issued.put(credential.accessKeyId(), credential);
    order.add(credential);
    String relayed = xml.substring(0, m.start(1)) + expiry + xml.substring(m.end(1));
    return relayed.getBytes(StandardCharsets.UTF_8);
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("an STS answer without " + name);
    }
    return m.group(1);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
