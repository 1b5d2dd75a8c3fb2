package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A private moto server killed under a running room: the cached secret is served stale, with its
 * staleness growing, until the room's bound; then reads fail with a clear {@link
 * BackendUnavailableException}; after moto restarts, the same room (never rebuilt) reads again.
 *
 * <p>Time: the room's cache runs on a {@link MutableClock} that the test moves, so the bound is
 * crossed exactly; refreshes run on the reading thread ({@code executor(Runnable::run)}), so each
 * read that finds the value older than {@code refreshAfter} really calls the dead server first.
 * Wall-clock durations are measured and printed, and asserted only against the SDK's own call
 * deadline (never a sleep).
 *
 * <p>moto keeps everything in memory: the restarted server is empty, so the test re-seeds the
 * secret through a second client (as an operator restoring it would) before the room recovers. On
 * AWS nothing is lost in an outage and no re-seeding happens.
 */
class RoomOutageIT {
  private static final Duration REFRESH = Duration.ofMinutes(1);
  private static final Duration BOUND = Duration.ofMinutes(5);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "outage");

  @Test
  void motoKilled_servesStaleWithinBound_thenFailsClearly_thenRecoversWithoutNewRoom()
      throws Exception {
    MutableClock clock = MutableClock.create();
    String ns = MotoServers.namespace();
    try (MotoServers.PrivateMoto moto = MotoServers.PrivateMoto.start()) {
      URI uri =
          MotoServers.uri(
              moto.endpoint(), ns, "maxAttempts=2&timeoutSeconds=" + CALL_DEADLINE.toSeconds());
      try (Strongroom room =
          Strongroom.builder()
              .backend(MotoServers.withDefaultKey(MotoServers.open(uri)))
              .clock(clock)
              .refreshAfter(REFRESH)
              .maxStaleness(BOUND)
              .executor(Runnable::run)
              .build()) {
        room.put("db/password", SecretValue.ofUtf8("pw-before"));
        assertEquals("pw-before", room.secret("db/password").copyUtf8String());
        byte[] sealed = room.encrypt("data".getBytes(StandardCharsets.UTF_8), CONTEXT);
        room.decrypt(sealed, CONTEXT); // caches the unwrapped data key for decryption too
        assertEquals(Optional.of(Duration.ZERO), room.staleness("db/password"));

        moto.kill();

        // Encryption and decryption go on with the cached data keys: no KMS call is needed.
        room.encrypt("more".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), room.decrypt(sealed, CONTEXT));
        // A secret that was never cached has nothing to fall back on.
        assertThrows(BackendUnavailableException.class, () -> room.secret("never/cached"));

        // Stale-if-error within the bound: each read tries the dead server, then serves the cache.
        long staleReads = 0;
        long slowestStaleMillis = 0;
        Duration lastStaleness = Duration.ZERO;
        for (Duration step : new Duration[] {Duration.ofMinutes(2), Duration.ofMinutes(4), BOUND}) {
          clock.set(MutableClock.create().instant().plus(step));
          long start = System.nanoTime();
          assertEquals("pw-before", room.secret("db/password").copyUtf8String());
          long millis = (System.nanoTime() - start) / 1_000_000;
          slowestStaleMillis = Math.max(slowestStaleMillis, millis);
          staleReads++;
          Duration staleness = room.staleness("db/password").orElseThrow();
          assertEquals(step, staleness);
          assertTrue(staleness.compareTo(lastStaleness) > 0, "staleness must grow");
          lastStaleness = staleness;
          System.out.printf(
              "[RoomOutageIT] t+%s: served stale value, staleness=%s, read took %d ms%n",
              step, staleness, millis);
        }

        // Past the bound: a clear failure, naming the secret and the bound.
        clock.advance(Duration.ofSeconds(1));
        long start = System.nanoTime();
        BackendUnavailableException failed =
            assertThrows(BackendUnavailableException.class, () -> room.secret("db/password"));
        long failMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
            "[RoomOutageIT] t+%s: %s (after %d ms)%n      cause: %s%n",
            BOUND.plusSeconds(1), failed.getMessage(), failMillis, failed.getCause().getMessage());
        assertEquals(
            "secret 'db/password' is unavailable: the backend is failing and the cached value is"
                + " older than the stale bound of PT5M",
            failed.getMessage());
        assertEquals(
            "AWS Secrets Manager GetSecretValue for 'db/password' failed: the service could not"
                + " be reached",
            failed.getCause().getMessage());
        assertEquals(Optional.of(BOUND.plusSeconds(1)), room.staleness("db/password"));
        assertTrue(failMillis < CALL_DEADLINE.toMillis(), "failed after " + failMillis + " ms");
        assertTrue(slowestStaleMillis < CALL_DEADLINE.toMillis());

        // Restart moto (empty: it is in memory), re-seed as an operator would, read again.
        long restartStart = System.nanoTime();
        moto.restart();
        long restartMillis = (System.nanoTime() - restartStart) / 1_000_000;
        try (Backend operator = MotoServers.open(uri)) {
          operator
              .secrets()
              .write(
                  new WriteRequest(
                      "db/password", SecretValue.ofUtf8("pw-reseeded"), Stage.CURRENT, 0));
        }
        clock.advance(Duration.ofSeconds(1));
        long recoverStart = System.nanoTime();
        assertEquals("pw-reseeded", room.secret("db/password").copyUtf8String());
        long recoverMillis = (System.nanoTime() - recoverStart) / 1_000_000;
        assertEquals(Optional.of(Duration.ZERO), room.staleness("db/password"));
        room.put("db/password", SecretValue.ofUtf8("pw-after"));
        assertEquals("pw-after", room.secret("db/password").copyUtf8String());
        System.out.printf(
            "[RoomOutageIT] summary: bound=%s, stale reads served=%d (slowest %d ms), failure"
                + " after bound in %d ms, moto restart %d ms, first read after restart %d ms,"
                + " staleness after recovery=%s%n",
            BOUND,
            staleReads,
            slowestStaleMillis,
            failMillis,
            restartMillis,
            recoverMillis,
            room.staleness("db/password").orElseThrow());
      }
    }
  }
}
