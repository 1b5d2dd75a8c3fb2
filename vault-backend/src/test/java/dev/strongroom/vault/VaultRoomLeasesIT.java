package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.Strongroom;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.lease.Lease;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.vault.internal.VaultBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dynamic PostgreSQL credentials through the room, on a role of the test's own with a 4 s TTL and a
 * 12 s maximum, in real time: acquired and used, renewed on the server (the credentials still log
 * in after the first grant's end), rotated before the maximum TTL with listeners told, and revoked
 * when the room closes, leaving no lease in OpenBao and no login in PostgreSQL. Waits are on events
 * with generous timeouts, never on exact timings.
 */
class VaultRoomLeasesIT {
  private VaultBackend root;
  private DynamicDb db;

  @BeforeEach
  void setUp() {
    root = VaultServers.devBackend();
    db = DynamicDb.create(root, "4s", "12s");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void roomLease_renewedRotatedBeforeMaxTtlAndRevokedOnClose_leavesNothing() throws Exception {
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch renewedTwice = new CountDownLatch(2);
    CountDownLatch rotated = new CountDownLatch(1);
    Strongroom room = Strongroom.builder().backend(VaultServers.devBackend()).build();
    String firstUser;
    String firstPassword;
    String secondUser;
    String secondPassword;
    Lease first;
    Lease second;
    try {
      room.onLeaseEvent(
          e -> {
            events.add(e);
            if (e.type() == LeaseEvent.Type.RENEWED && rotated.getCount() > 0) {
              renewedTwice.countDown();
            }
            if (e.type() == LeaseEvent.Type.ROTATED) {
              rotated.countDown();
            }
          });
      LeasedCredential credential = room.lease(db.path());
      first = credential.lease();
      assertTrue(first.id().startsWith(db.path() + "/"), first.id());
      assertEquals(Duration.ofSeconds(4), first.ttl());
      assertTrue(first.renewable());
      firstUser = credential.field("username").copyUtf8String();
      firstPassword = credential.field("password").copyUtf8String();
      assertEquals(firstUser, DynamicDb.currentUser(firstUser, firstPassword));

      // Renewed twice: the second renewal comes after the first grant's end, so the credentials
      // logging in now proves the server extended them (VALID UNTIL moved), not just our clock.
      assertTrue(renewedTwice.await(20, TimeUnit.SECONDS), "renewed twice; events: " + events);
      assertTrue(Instant.now().isAfter(first.expiresAt()), "past the first grant's end");
      assertTrue(db.leaseKnown(first.id()));
      assertEquals(firstUser, DynamicDb.currentUser(firstUser, firstPassword));
      assertEquals(firstUser, credential.field("username").copyUtf8String());

      // Rotated before the 12 s maximum: a new credential, the old one revoked.
      assertTrue(rotated.await(20, TimeUnit.SECONDS), "rotated; events: " + events);
      LeaseEvent rotation =
          events.stream().filter(e -> e.type() == LeaseEvent.Type.ROTATED).findFirst().get();
      assertTrue(
          rotation.time().isBefore(first.issuedAt().plusSeconds(12)),
          "rotated at " + rotation.time() + ", first issued at " + first.issuedAt());
      assertFalse(
          events.stream().anyMatch(e -> e.type() == LeaseEvent.Type.EXPIRED),
          "expired before rotation: " + events);
      second = credential.lease();
      assertNotEquals(first.id(), second.id());
      assertEquals(second.id(), rotation.lease().id());
      secondUser = credential.field("username").copyUtf8String();
      secondPassword = credential.field("password").copyUtf8String();
      assertNotEquals(firstUser, secondUser);
      assertEquals(secondUser, DynamicDb.currentUser(secondUser, secondPassword));
      // The replaced lease is kept for the rotation overlap (a quarter of its 4 s TTL here), so
      // connections opened under it keep working while pools move over; then it is revoked.
      String oldUser = firstUser;
      String oldPassword = firstPassword;
      String oldLease = first.id();
      assertTrue(
          eventually(
              Duration.ofSeconds(15),
              () -> !DynamicDb.accepts(oldUser, oldPassword) && !db.leaseKnown(oldLease)),
          "old credentials still log in, or the old lease is still known, 15 s after rotation");
      System.out.printf(
          "[VaultRoomLeasesIT] renewed %d time(s), rotated %d ms after first issue (max TTL 12 s)%n",
          events.stream().filter(e -> e.type() == LeaseEvent.Type.RENEWED).count(),
          Duration.between(first.issuedAt(), rotation.time()).toMillis());
    } finally {
      room.close();
    }

    assertTrue(
        events.stream()
            .anyMatch(
                e -> e.type() == LeaseEvent.Type.REVOKED && e.lease().id().equals(second.id())),
        "REVOKED on close: " + events);
    assertFalse(db.leaseKnown(second.id()), "lease still known after close");
    assertEquals(List.of(), db.listedLeases(), "OpenBao still lists leases of the test's role");
    assertFalse(DynamicDb.accepts(secondUser, secondPassword), "credentials log in after close");
    assertFalse(DynamicDb.accepts(firstUser, firstPassword));
  }

  @Test
  void roomLease_afterClose_refusesValues() {
    LeasedCredential credential;
    try (Strongroom room = Strongroom.builder().backend(VaultServers.devBackend()).build()) {
      credential = room.lease(db.path());
      assertTrue(db.leaseKnown(credential.lease().id()));
    }
    assertThrows(LeaseExpiredException.class, () -> credential.field("password"));
    assertFalse(db.leaseKnown(credential.lease().id()));
  }

  /** Polls {@code condition} every 100 ms until it holds or {@code bound} has passed. */
  private static boolean eventually(Duration bound, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(bound);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }
}
