package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.vault.internal.VaultBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The persistent (raft) OpenBao server stopped mid-run and restarted with {@code openbao.sh
 * restart-persistent}: calls during the outage fail fast and clearly, cached data keys keep
 * encrypting, and secrets and keys written before survive.
 */
class VaultRestartIT {

  @Test
  void persistentServer_stoppedAndRestarted_keepsDataAndRecovers() throws Exception {
    String name = VaultServers.unique("it-restart") + "/s";
    String key = VaultServers.unique("it-restart-kek");
    EncryptionContext context = EncryptionContext.of("k", "v");
    try (VaultBackend backend =
        (VaultBackend)
            VaultBackendProvider.connect(
                VaultServers.persistent()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                    .requestTimeout(Duration.ofSeconds(2))
                    .build())) {
      backend
          .secrets()
          .write(new WriteRequest(name, SecretValue.ofUtf8("durable"), Stage.CURRENT, 0));
      backend.keys().createKey(key);
      Envelope envelope = Envelope.of(Kek.of(backend.keys(), key));
      byte[] before = envelope.encrypt("before".getBytes(StandardCharsets.UTF_8), context);
      assertEquals(1, envelope.stats().kekCalls());

      VaultServers.openbao("stop-persistent");
      boolean restarted = false;
      try {
        long start = System.nanoTime();
        assertThrows(
            BackendUnavailableException.class,
            () -> backend.secrets().read(ReadRequest.current(name)));
        Duration failedAfter = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(
            failedAfter.compareTo(Duration.ofSeconds(10)) < 0, "failed after " + failedAfter);
        // The cached data key keeps encrypting without the KEK service.
        byte[] during = envelope.encrypt("during".getBytes(StandardCharsets.UTF_8), context);
        assertEquals(1, envelope.stats().kekCalls());
        VaultServers.openbao("restart-persistent");
        restarted = true;

        assertEquals(
            "durable",
            backend
                .secrets()
                .read(ReadRequest.current(name))
                .orElseThrow()
                .value()
                .copyUtf8String());
        Envelope reader = Envelope.of(Kek.of(backend.keys(), key));
        assertArrayEquals(
            "before".getBytes(StandardCharsets.UTF_8), reader.decrypt(before, context));
        assertArrayEquals(
            "during".getBytes(StandardCharsets.UTF_8), reader.decrypt(during, context));
      } finally {
        if (!restarted) {
          VaultServers.openbao("restart-persistent");
        }
      }
      backend.secrets().destroy(DestroyRequest.all(name));
      backend.keys().destroyKey(key);
    }
  }
}
