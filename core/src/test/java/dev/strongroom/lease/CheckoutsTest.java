package dev.strongroom.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.testkit.NonClosingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: persisted check-out leases are enforced (a read under a checked-in or ended lease is
 * refused with a typed error), survive the process that granted them, and a record edited, swapped
 * or replayed with backend access but no key never grants access.
 */
class CheckoutsTest {
  private static final String RECORDS = ".strongroom/leases/";

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend shared = MemoryBackend.create(clock);
  private final SecretStore raw = shared.secrets();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<Strongroom> rooms = new ArrayList<>();

  private Strongroom room() {
    AuditSink sink =
        new AuditSink() {
          @Override
          public void record(AuditEvent event) {
            events.add(event);
          }

          @Override
          public void close() {}
        };
    Strongroom room =
        Strongroom.builder()
            .backend(NonClosingBackend.of(shared))
            .clock(clock)
            .executor(Runnable::run)
            .principal("oncall")
            .audit(sink)
            .build();
    rooms.add(room);
    return room;
  }

  @AfterEach
  void close() {
    rooms.forEach(Strongroom::close);
  }

  private static String text(SecretValue v) {
    try (v) {
      return v.copyUtf8String();
    }
  }

  @Test
  void checkout_readInAnotherRoom_thenCheckin_refusesTheRead() {
    room().put("db/password", SecretValue.ofUtf8("s3cret"));
    Checkout lease =
        room().checkouts().checkout("db/password", Duration.ofMinutes(15), Duration.ofHours(1));

    assertEquals("s3cret", text(room().checkouts().read(lease.id())));
    room().checkouts().checkin(lease.id());

    assertThrows(LeaseExpiredException.class, () -> room().checkouts().read(lease.id()));
    assertThrows(LeaseExpiredException.class, () -> room().checkouts().renew(lease.id()));
    assertEquals(
        "revoked", room().checkouts().find(lease.id()).orElseThrow().state(clock.instant()));
  }

  @Test
  void expiry_refusesTheRead_renewNeverPassesMaxTtl() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(15));
    clock.advance(Duration.ofMinutes(9));
    Checkout renewed = room.checkouts().renew(lease.id());
    assertEquals(lease.issued().plus(Duration.ofMinutes(15)), renewed.expires());
    clock.advance(Duration.ofMinutes(6));

    LeaseExpiredException e =
        assertThrows(LeaseExpiredException.class, () -> room.checkouts().read(lease.id()));
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"));
  }

  @Test
  void leaseGrantsTheVersionCheckedOut_notALaterOne() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("v1"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(10));
    room.put("db/password", SecretValue.ofUtf8("v2"));
    assertEquals("v1", text(room.checkouts().read(lease.id())));
  }

  @Test
  void attacker_editsRecordBytes_tamperedNotAccess() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(10));
    room.checkouts().checkin(lease.id());
    StoredSecret stored = raw.read(ReadRequest.current(RECORDS + lease.id())).orElseThrow();
    byte[] bytes = stored.value().copyBytes();
    bytes[bytes.length - 5] ^= 1;
    raw.write(
        new WriteRequest(
            RECORDS + lease.id(),
            SecretValue.of(bytes),
            Stage.CURRENT,
            stored.version().version()));

    assertThrows(TamperedException.class, () -> room().checkouts().read(lease.id()));
  }

  @Test
  void attacker_replaysTheActiveRecordAfterCheckin_tamperedNotAccess() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(10));
    String name = RECORDS + lease.id();
    byte[] active = raw.read(ReadRequest.current(name)).orElseThrow().value().copyBytes();
    room.checkouts().checkin(lease.id());
    long v = raw.read(ReadRequest.current(name)).orElseThrow().version().version();
    raw.write(new WriteRequest(name, SecretValue.of(active), Stage.CURRENT, v));

    assertThrows(TamperedException.class, () -> room().checkouts().read(lease.id()));
  }

  @Test
  void attacker_copiesAnotherLeasesRecord_tamperedNotAccess() {
    Strongroom room = room();
    room.put("a", SecretValue.ofUtf8("aa"));
    room.put("b", SecretValue.ofUtf8("bb"));
    Checkout onA = room.checkouts().checkout("a", Duration.ofMinutes(10), Duration.ofMinutes(10));
    Checkout onB = room.checkouts().checkout("b", Duration.ofMinutes(10), Duration.ofMinutes(10));
    room.checkouts().checkin(onB.id());
    byte[] recordA =
        raw.read(ReadRequest.current(RECORDS + onA.id())).orElseThrow().value().copyBytes();
    long v = raw.read(ReadRequest.current(RECORDS + onB.id())).orElseThrow().version().version();
    raw.write(new WriteRequest(RECORDS + onB.id(), SecretValue.of(recordA), Stage.CURRENT, v));

    assertThrows(TamperedException.class, () -> room().checkouts().read(onB.id()));
  }

  @Test
  void recordsAreReserved_andHoldNoValue() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("canary-7f3a"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(10));
    assertThrows(AccessDeniedException.class, () -> room.secret(RECORDS + lease.id()));
    assertThrows(
        AccessDeniedException.class,
        () ->
            room.checkouts()
                .checkout(RECORDS + lease.id(), Duration.ofMinutes(1), Duration.ofMinutes(1)));
    assertFalse(room.list("").stream().anyMatch(n -> n.startsWith(".strongroom")));
    byte[] sealed =
        raw.read(ReadRequest.current(RECORDS + lease.id())).orElseThrow().value().copyBytes();
    assertFalse(
        new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("canary"));
    assertFalse(
        new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("db/password"));
    assertFalse(lease.toString().contains("canary"));
  }

  @Test
  void everyStepIsAudited_refusalsToo() {
    Strongroom room = room();
    room.put("db/password", SecretValue.ofUtf8("s3cret"));
    Checkout lease =
        room.checkouts().checkout("db/password", Duration.ofMinutes(10), Duration.ofMinutes(10));
    text(room.checkouts().read(lease.id()));
    room.checkouts().checkin(lease.id());
    assertThrows(LeaseExpiredException.class, () -> room.checkouts().read(lease.id()));

    List<String> seen =
        events.stream()
            .filter(e -> e.resource().equals("db/password"))
            .map(e -> e.operation() + " " + e.outcome())
            .toList();
    assertTrue(seen.contains("checkout OK"), "" + seen);
    assertTrue(seen.contains("checkout.read OK"), "" + seen);
    assertTrue(seen.contains("checkin OK"), "" + seen);
    assertTrue(seen.contains("checkout.read DENIED"), "" + seen);
  }

  @Test
  void unknownAndMalformedIds_typedErrors() {
    Strongroom room = room();
    assertThrows(NotFoundException.class, () -> room.checkouts().read("0123456789abcdef01234567"));
    assertThrows(IllegalArgumentException.class, () -> room.checkouts().read("../x"));
    assertThrows(
        NotFoundException.class,
        () -> room.checkouts().checkout("nope", Duration.ofMinutes(1), Duration.ofMinutes(1)));
    assertArrayEquals(new Object[0], room.checkouts().list().toArray());
  }

  // ------------------------------------------------------------ check-out-only and rotation

  /** A rotator that makes "gen-N" values and remembers what it applied. */
  private static final class Counting implements dev.strongroom.SecretRotator {
    final List<String> applied = new CopyOnWriteArrayList<>();

    @Override
    public SecretValue generate(SecretValue current) {
      return SecretValue.ofUtf8("gen-" + (applied.size() + 1));
    }

    @Override
    public void apply(SecretValue pending) {
      applied.add(pending.copyUtf8String());
    }
  }

  @Test
  void checkoutOnly_refusedOutsideALease_inEveryRoom_readableUnderOne() {
    Strongroom admin = room();
    admin.put("db/admin", SecretValue.ofUtf8("canary-7f3e"));
    admin.checkouts().requireCheckout("db/admin", true);

    Strongroom other = room(); // another process on the same store
    for (Strongroom r : List.of(admin, other)) {
      AccessDeniedException denied =
          assertThrows(AccessDeniedException.class, () -> r.secret("db/admin"));
      assertTrue(denied.getMessage().contains("check-out-only"), denied.getMessage());
      assertFalse(denied.getMessage().contains("canary-7f3e"));
      assertThrows(
          AccessDeniedException.class,
          () -> r.secret(dev.strongroom.SecretRef.ofVersion("db/admin", 1)));
      assertThrows(AccessDeniedException.class, () -> r.onChange("db/admin", (n, v, value) -> {}));
      assertThrows(
          AccessDeniedException.class,
          () -> r.leaseSecret("db/admin", Duration.ofMinutes(1), Duration.ofMinutes(2)));
    }
    assertEquals(java.util.Set.of("db/admin"), other.checkouts().checkoutOnly());
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e.operation().equals("read")
                        && e.outcome() == AuditEvent.Outcome.DENIED
                        && e.resource().equals("db/admin")),
        "the refused read is audited as denied");

    Checkout lease =
        other.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));
    assertEquals("canary-7f3e", text(other.checkouts().read(lease.id())));

    admin.checkouts().requireCheckout("db/admin", false);
    assertEquals("canary-7f3e", text(admin.secret("db/admin")));
  }

  @Test
  void requireCheckout_missingOrReservedSecret_refused() {
    Strongroom room = room();
    assertThrows(NotFoundException.class, () -> room.checkouts().requireCheckout("nope", true));
    assertThrows(
        AccessDeniedException.class,
        () -> room.checkouts().requireCheckout("apikeys/.pepper", true));
    assertTrue(room.checkouts().checkoutOnly().isEmpty());
  }

  @Test
  void policyRecordEdited_readsFailClosed() {
    Strongroom admin = room();
    admin.put("db/admin", SecretValue.ofUtf8("s3cret"));
    admin.put("app/other", SecretValue.ofUtf8("x"));
    admin.checkouts().requireCheckout("db/admin", true);
    // someone with backend access but no key rewrites the policy record with an older genuine copy
    StoredSecret genuine = raw.read(ReadRequest.current(".strongroom/checkout-only")).orElseThrow();
    raw.write(
        new WriteRequest(
            ".strongroom/checkout-only", genuine.value(), Stage.CURRENT, WriteRequest.ANY_VERSION));

    Strongroom fresh = room();
    assertThrows(TamperedException.class, () -> fresh.secret("app/other"));
    assertThrows(TamperedException.class, () -> fresh.secret("db/admin"));
  }

  @Test
  void checkin_rotatesWithTheRegisteredRotator_soTheLeasedValueIsNoLongerCurrent() {
    Strongroom room = room();
    room.put("db/admin", SecretValue.ofUtf8("old"));
    room.checkouts().requireCheckout("db/admin", true);
    Counting rotator = new Counting();
    room.checkouts().rotateOnCheckin("db/admin", rotator);

    Checkout lease =
        room.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));
    assertEquals("old", text(room.checkouts().read(lease.id())));
    room.checkouts().checkin(lease.id());

    assertEquals(List.of("gen-1"), rotator.applied);
    Checkout next =
        room.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));
    assertEquals("gen-1", text(room.checkouts().read(next.id())));
    assertEquals(2, next.version());
    assertThrows(LeaseExpiredException.class, () -> room.checkouts().read(lease.id()));
  }

  @Test
  void checkin_whileAnotherLeaseIsActive_defersTheRotationToTheLastCheckin() {
    Strongroom room = room();
    room.put("db/admin", SecretValue.ofUtf8("old"));
    Counting rotator = new Counting();
    room.checkouts().rotateOnCheckin("db/admin", rotator);
    Checkout first =
        room.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));
    Checkout second =
        room.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));

    room.checkouts().checkin(first.id());
    assertEquals(List.of(), rotator.applied, "the second holder's copy keeps working");
    assertEquals("old", text(room.checkouts().read(second.id())));

    room.checkouts().checkin(second.id());
    assertEquals(List.of("gen-1"), rotator.applied);
  }

  @Test
  void sweep_closesEndedLeases_andRotatesEachSecretOnce() {
    Strongroom room = room();
    room.put("db/admin", SecretValue.ofUtf8("old"));
    room.put("db/other", SecretValue.ofUtf8("keep"));
    Counting rotator = new Counting();
    room.checkouts().rotateOnCheckin("db/admin", rotator);
    Checkout a = room.checkouts().checkout("db/admin", Duration.ofMinutes(5), Duration.ofHours(1));
    Checkout b = room.checkouts().checkout("db/admin", Duration.ofMinutes(6), Duration.ofHours(1));
    Checkout unrelated =
        room.checkouts().checkout("db/other", Duration.ofMinutes(5), Duration.ofHours(1));

    assertEquals(List.of(), room.checkouts().sweep(), "nothing has ended yet");
    clock.advance(Duration.ofMinutes(7));
    List<Checkout> closed = room.checkouts().sweep();

    assertEquals(
        java.util.stream.Stream.of(a.id(), b.id()).sorted().toList(),
        closed.stream().map(Checkout::id).sorted().toList());
    assertEquals(List.of("gen-1"), rotator.applied);
    assertTrue(room.checkouts().find(a.id()).orElseThrow().revoked());
    assertFalse(room.checkouts().find(unrelated.id()).orElseThrow().revoked(), "no rotator: left");
    assertEquals(List.of(), room.checkouts().sweep(), "closed leases are not swept twice");
    assertEquals(List.of("gen-1"), rotator.applied);
  }
}
