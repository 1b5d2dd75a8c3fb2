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
import dev.strongroom.testing.MutableClock;
import dev.strongroom.testing.NonClosingBackend;
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
}
