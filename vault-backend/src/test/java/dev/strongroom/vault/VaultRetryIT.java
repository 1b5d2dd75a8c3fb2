package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries on 5xx/429 and connection errors, none on 4xx, through a flaky proxy to OpenBao. */
class VaultRetryIT {
  private static final String CANARY = "CANARY-retry-body-4f1c";
  private String name;

  @BeforeEach
  void setUp() {
    name = VaultServers.unique("it-retry") + "/secret";
    try (Backend direct = VaultServers.devBackend()) {
      direct
          .secrets()
          .write(
              new WriteRequest(
                  name, SecretValue.ofUtf8("value"), Stage.CURRENT, WriteRequest.ANY_VERSION));
    }
  }

  private Backend through(FlakyProxy proxy, int attempts) {
    return VaultBackendProvider.connect(
        VaultConfig.builder(proxy.address())
            .token(SecretValue.ofUtf8(VaultServers.env("STRONGROOM_VAULT_TOKEN")))
            .maxAttempts(attempts)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .build());
  }

  private FlakyProxy proxy(List<Integer> statuses) throws Exception {
    return new FlakyProxy(
        URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")), "/data/" + name, statuses, CANARY);
  }

  @Test
  void read_twoServiceUnavailable_succeedsOnThirdAttempt() throws Exception {
    try (FlakyProxy proxy = proxy(List.of(503, 503));
        Backend backend = through(proxy, 4)) {
      assertEquals(
          "value",
          backend.secrets().read(ReadRequest.current(name)).orElseThrow().value().copyUtf8String());
      assertEquals(3, proxy.hits.get());
    }
  }

  @Test
  void read_tooManyRequestsOnEveryAttempt_isTypedThrottled() throws Exception {
    try (FlakyProxy proxy = proxy(List.of(429, 429));
        Backend backend = through(proxy, 2)) {
      assertThrows(
          dev.strongroom.exception.BackendThrottledException.class,
          () -> backend.secrets().read(ReadRequest.current(name)));
      assertEquals(2, proxy.hits.get());
    }
  }

  @Test
  void read_tooManyRequests_isRetried() throws Exception {
    try (FlakyProxy proxy = proxy(List.of(429));
        Backend backend = through(proxy, 4)) {
      assertTrue(backend.secrets().read(ReadRequest.current(name)).isPresent());
      assertEquals(2, proxy.hits.get());
    }
  }

  @Test
  void read_badRequest_isNotRetriedAndBodyNotInMessage() throws Exception {
    try (FlakyProxy proxy = proxy(List.of(400, 400, 400));
        Backend backend = through(proxy, 4)) {
      StrongroomException e =
          assertThrows(
              StrongroomException.class, () -> backend.secrets().read(ReadRequest.current(name)));
      assertEquals(1, proxy.hits.get());
      assertTrue(e.getMessage().contains("HTTP 400 with 1 error(s)"), e.getMessage());
      assertFalse(e.getMessage().contains(CANARY));
    }
  }

  @Test
  void read_unavailableEveryTime_failsAfterAttemptsWithoutBody() throws Exception {
    try (FlakyProxy proxy = proxy(List.of(503, 503, 503, 503, 503));
        Backend backend = through(proxy, 3)) {
      BackendUnavailableException e =
          assertThrows(
              BackendUnavailableException.class,
              () -> backend.secrets().read(ReadRequest.current(name)));
      assertEquals(3, proxy.hits.get());
      assertTrue(
          e.getMessage().contains("HTTP 503 with 1 error(s) after 3 attempt(s)"), e.getMessage());
      assertFalse(e.getMessage().contains(CANARY));
    }
  }

  @Test
  void read_connectionRefused_isUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create("http://127.0.0.1:" + port))
                .token(SecretValue.ofUtf8("not-a-real-token"))
                .maxAttempts(2)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                .build())) {
      BackendUnavailableException e =
          assertThrows(
              BackendUnavailableException.class,
              () -> backend.secrets().read(ReadRequest.current("x")));
      assertTrue(e.getMessage().contains("connection failed"), e.getMessage());
      assertTrue(e.getMessage().contains("after 2 attempt(s)"), e.getMessage());
    }
  }
}
