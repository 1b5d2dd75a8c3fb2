package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.vault.internal.VaultBackend;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A canary secret value, and the root token, go through every path that fails or logs; neither may
 * show up in an exception message (causes included) or in the TRACE log the failsafe run writes.
 */
class VaultCanaryIT {
  private static final String CANARY = "CANARY-3c1a9f0e-strongroom-canary-value";

  @Test
  void canary_neverInMessagesOrTraceLog() throws Exception {
    String token = VaultServers.env("STRONGROOM_VAULT_TOKEN");
    List<Throwable> failures = new ArrayList<>();
    String name = VaultServers.unique("it-canary") + "/s";
    String key = VaultServers.unique("it-canary-kek");
    VaultConfig config = VaultServers.dev().build();
    assertFalse(config.toString().contains(token), "config toString shows the token");
    try (VaultBackend backend = (VaultBackend) VaultBackendProvider.connect(config)) {
      backend.secrets().write(new WriteRequest(name, SecretValue.ofUtf8(CANARY), Stage.CURRENT, 0));
      assertTrue(
          backend
              .secrets()
              .read(ReadRequest.current(name))
              .orElseThrow()
              .value()
              .equalsSecret(SecretValue.ofUtf8(CANARY)));
      failures.add(
          fails(
              () ->
                  backend
                      .secrets()
                      .write(
                          new WriteRequest(name, SecretValue.ofUtf8(CANARY), Stage.CURRENT, 0))));
      backend.keys().createKey(key);
      SecretValue dek = SecretValue.ofUtf8(CANARY.substring(0, 32));
      WrappedKey wrapped = backend.keys().wrap(new WrapRequest(key, dek, new byte[] {1}));
      failures.add(
          fails(
              () ->
                  backend
                      .keys()
                      .unwrap(new UnwrapRequest(key, wrapped.wrapped(), new byte[] {2}))));
      backend.keys().destroyKey(key);
      backend.secrets().destroy(DestroyRequest.all(name));
    }
    try (FlakyProxy proxy =
            new FlakyProxy(
                URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")),
                "/data/",
                List.of(500, 500, 400),
                CANARY);
        VaultBackend flaky =
            (VaultBackend)
                VaultBackendProvider.connect(
                    VaultConfig.builder(proxy.address())
                        .token(SecretValue.ofUtf8(token))
                        .maxAttempts(2)
                        .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                        .build())) {
      failures.add(fails(() -> flaky.secrets().read(ReadRequest.current(name))));
      failures.add(fails(() -> flaky.secrets().read(ReadRequest.current(name))));
    }
    try (VaultBackend login =
        (VaultBackend)
            VaultBackendProvider.connect(
                VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                    .appRole("approle", SecretValue.ofUtf8(CANARY), SecretValue.ofUtf8(CANARY))
                    .build())) {
      failures.add(fails(() -> login.secrets().read(ReadRequest.current(name))));
    }

    for (Throwable failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        String message = String.valueOf(t.getMessage()) + t;
        assertFalse(message.contains(CANARY), "canary in " + t.getClass().getName());
        assertFalse(message.contains(token), "token in " + t.getClass().getName());
      }
    }

    String logFile = System.getProperty("strongroom.it.logFile");
    assertTrue(logFile != null, "failsafe sets strongroom.it.logFile");
    String log = Files.readString(Path.of(logFile), StandardCharsets.UTF_8);
    assertTrue(log.contains("TRACE"), "the run logs at TRACE");
    assertTrue(log.contains("vault GET"), "the HTTP layer logged its calls");
    assertFalse(log.contains(CANARY), "canary in the log");
    assertFalse(log.contains(token), "token in the log");
  }

  private static StrongroomException fails(Executable call) {
    return assertThrows(StrongroomException.class, call);
  }
}
