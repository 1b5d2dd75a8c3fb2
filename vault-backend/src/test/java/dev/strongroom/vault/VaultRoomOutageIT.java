package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.vault.internal.VaultBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The persistent OpenBao server stopped under a running room (real clock, refresh after 1 s, stale
 * bound 20 s) and restarted with {@code openbao.sh restart-persistent}: the cached secret keeps
 * serving while its staleness grows within the bound, the dynamic credential is refused once its
 * lease ends, and after the restart reads recover and the credential is re-acquired without
 * restarting the room. The measured numbers are printed.
 */
class VaultRoomOutageIT {
  private static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  private static final Duration MAX_STALENESS = Duration.ofSeconds(20);

  @Test
  void persistentServerDown_roomServesStaleWithinBoundAndRecovers() throws Exception {
    VaultBackend admin =
        (VaultBackend) VaultBackendProvider.connect(VaultServers.persistent().build());
    String name = VaultServers.unique("it-outage") + "/s";
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch expired = new CountDownLatch(1);
    CountDownLatch rotated = new CountDownLatch(1);
    try (DynamicDb db = DynamicDb.create(admin, "4s", "2m");
        Strongroom room =
            Strongroom.builder()
                .backend(
                    VaultBackendProvider.connect(
                        VaultServers.persistent()
                            .maxAttempts(2)
                            .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                            .requestTimeout(Duration.ofSeconds(1))
                            .build()))
                .refreshAfter(REFRESH_AFTER)
                .maxStaleness(MAX_STALENESS)
                .build()) {
      room.onLeaseEvent(
          e -> {
            events.add(e);
            if (e.type() == LeaseEvent.Type.EXPIRED) {
              expired.countDown();
            } else if (e.type() == LeaseEvent.Type.ROTATED && expired.getCount() == 0) {
              rotated.countDown();
            }
          });
      room.put(name, SecretValue.ofUtf8("durable-v1"));
      assertEquals("durable-v1", room.secret(name).copyUtf8String());
      LeasedCredential credential = room.lease(db.path());
      String user = credential.field("username").copyUtf8String();
      assertEquals(
          user, DynamicDb.currentUser(user, credential.field("password").copyUtf8String()));

      VaultServers.openbao("stop-persistent");
      boolean restarted = false;
      try {
        long stoppedAt = System.nanoTime();
        int staleReads = 0;
        Duration maxStaleness = Duration.ZERO;
        Duration previous = Duration.ZERO;
        int refusedAfterEnd = 0;
        // Read for at least 6 s, and until the lease has ended and been refused.
        while (elapsed(stoppedAt).compareTo(Duration.ofSeconds(6)) < 0 || refusedAfterEnd == 0) {
          assertTrue(elapsed(stoppedAt).compareTo(Duration.ofSeconds(18)) < 0, "outage loop");
          assertEquals("durable-v1", room.secret(name).copyUtf8String());
          staleReads++;
          Duration staleness = room.staleness(name).orElseThrow();
          assertTrue(staleness.compareTo(MAX_STALENESS) <= 0, "served beyond the bound");
          if (staleness.compareTo(maxStaleness) > 0) {
            maxStaleness = staleness;
          }
          previous = staleness;
          Instant end = credential.end();
          if (Instant.now().isAfter(end)) {
            assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
            refusedAfterEnd++;
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
        Duration outage = elapsed(stoppedAt);
        assertTrue(expired.await(1, TimeUnit.SECONDS), "EXPIRED event; events: " + events);
        assertTrue(
            maxStaleness.compareTo(outage.minus(REFRESH_AFTER).minusSeconds(1)) >= 0,
            "staleness grew to " + maxStaleness + " in an outage of " + outage);
        assertEquals(maxStaleness, previous, "staleness kept growing");

        long restartAt = System.nanoTime();
        VaultServers.openbao("restart-persistent");
        restarted = true;
        Duration restartTook = elapsed(restartAt);
        long upAt = System.nanoTime();
        Duration recovered = null;
        while (recovered == null) {
          assertTrue(elapsed(upAt).compareTo(Duration.ofSeconds(20)) < 0, "reads recovered");
          assertEquals("durable-v1", room.secret(name).copyUtf8String());
          if (room.staleness(name).orElseThrow().compareTo(REFRESH_AFTER) < 0) {
            recovered = elapsed(upAt);
          } else {
            TimeUnit.MILLISECONDS.sleep(50);
          }
        }
        room.put(name, SecretValue.ofUtf8("durable-v2"));
        assertEquals("durable-v2", room.secret(name).copyUtf8String());
        assertTrue(rotated.await(30, TimeUnit.SECONDS), "credential re-acquired; " + events);
        Duration leaseBack = elapsed(upAt);
        String newUser = credential.field("username").copyUtf8String();
        assertEquals(
            newUser, DynamicDb.currentUser(newUser, credential.field("password").copyUtf8String()));
        System.out.printf(
            "[VaultRoomOutageIT] outage %d ms: served %d reads stale, max staleness %d ms (bound"
                + " %d ms); lease refused on %d reads after its end; restart took %d ms; reads"
                + " fresh %d ms and lease re-acquired %d ms after the server was back%n",
            outage.toMillis(),
            staleReads,
            maxStaleness.toMillis(),
            MAX_STALENESS.toMillis(),
            refusedAfterEnd,
            restartTook.toMillis(),
            recovered.toMillis(),
            leaseBack.toMillis());
      } finally {
        if (!restarted) {
          VaultServers.openbao("restart-persistent");
        }
      }
      room.destroy(name);
    } finally {
      admin.close();
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
