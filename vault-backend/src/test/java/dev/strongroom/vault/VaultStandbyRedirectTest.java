package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a raft standby whose active node just died cannot forward a request and answers 307
 * with the old leader's address (seen against a real 3-node OpenBao cluster, {@code
 * VaultClusterIT}). That is a moment of unavailability, retried like a 503, then a typed {@link
 * BackendUnavailableException}; the redirect is never followed, so the token goes nowhere else.
 */
class VaultStandbyRedirectTest {
  private static final String TOKEN = "s.canary-standby-token";

  @Test
  void standbyRedirect_isRetried_thenServedOnceALeaderAnswers() throws IOException {
    AtomicInteger redirectsLeft = new AtomicInteger(2);
    AtomicInteger elsewhere = new AtomicInteger();
    HttpServer other = server(elsewhere, null, null);
    HttpServer standby = server(new AtomicInteger(), redirectsLeft, other);
    try (Backend backend = open(standby, 5)) {
      assertEquals(
          "v",
          backend
              .secrets()
              .read(ReadRequest.current("app/key"))
              .orElseThrow()
              .value()
              .copyUtf8String());
      assertTrue(redirectsLeft.get() < 0, "both redirects were answered, then retried");
      assertEquals(0, elsewhere.get(), "the redirect was followed");
    } finally {
      standby.stop(0);
      other.stop(0);
    }
  }

  @Test
  void standbyRedirect_everyTime_failsTyped_withoutTheToken() throws IOException {
    AtomicInteger elsewhere = new AtomicInteger();
    HttpServer other = server(elsewhere, null, null);
    HttpServer standby = server(new AtomicInteger(), new AtomicInteger(1_000), other);
    try (Backend backend = open(standby, 3)) {
      BackendUnavailableException e =
          assertThrows(
              BackendUnavailableException.class,
              () -> backend.secrets().read(ReadRequest.current("app/key")));
      assertTrue(e.getMessage().contains("HTTP 307"), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN));
      assertEquals(0, elsewhere.get(), "the redirect was followed");
    } finally {
      standby.stop(0);
      other.stop(0);
    }
  }

  /**
   * A server counting requests in {@code hits}; while {@code redirects} is positive it answers 307
   * to {@code target} (decrementing it), else a KV v2 read of the value {@code v}.
   */
  private static HttpServer server(AtomicInteger hits, AtomicInteger redirects, HttpServer target)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            hits.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (redirects != null && redirects.getAndDecrement() > 0) {
              exchange
                  .getResponseHeaders()
                  .add(
                      "Location",
                      "http://127.0.0.1:"
                          + target.getAddress().getPort()
                          + exchange.getRequestURI());
              exchange.sendResponseHeaders(307, -1);
              return;
            }
            String path = exchange.getRequestURI().getPath();
            String body =
                path.contains("/metadata/")
                    ? "{\"data\":{\"current_version\":1,\"versions\":{\"1\":{\"created_time\":"
                        + "\"2030-01-01T00:00:00Z\",\"deletion_time\":\"\",\"destroyed\":false}},"
                        + "\"custom_metadata\":null}}"
                    : "{\"data\":{\"data\":{\"value\":\"v\"},\"metadata\":{\"version\":1,"
                        + "\"created_time\":\"2030-01-01T00:00:00Z\",\"deletion_time\":\"\","
                        + "\"destroyed\":false,\"custom_metadata\":null}}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
        });
    server.start();
    return server;
  }

  private static Backend open(HttpServer server, int attempts) {
    return VaultBackendProvider.connect(
        VaultConfig.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .token(SecretValue.ofUtf8(TOKEN))
            .maxAttempts(attempts)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .build());
  }
}
