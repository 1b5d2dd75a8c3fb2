package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScopeTest {
  private final MutableClock clock = MutableClock.create();
  private final RecordingSink sink = new RecordingSink();
  private final List<String> records = sink.records;
  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .principal("orders-service")
          .audit(sink)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  @Test
  void accessPolicy_globs_matchSegmentsAndSubtrees() {
    AccessPolicy policy =
        AccessPolicy.allow("db/*", Operation.READ).andAllow("app/**", Operation.WRITE);
    assertTrue(policy.allows(Operation.READ, "db/password"));
    assertFalse(policy.allows(Operation.READ, "db/a/b"));
    assertFalse(policy.allows(Operation.WRITE, "db/password"));
    assertTrue(policy.allows(Operation.WRITE, "app/x/y/z"));
    assertFalse(policy.allows(Operation.WRITE, "app"));
    assertFalse(policy.allows(Operation.READ, "dbx/password"));
  }

  @Test
  void scoped_allowedCalls_work_deniedCallsThrowAndAreRecorded() {
    room.put("db/password", SecretValue.ofUtf8("pw"));
    room.put("admin/root", SecretValue.ofUtf8("root"));
    Strongroom view = room.scoped(AccessPolicy.allow("db/*", Operation.READ, Operation.LIST));
    records.clear();

    assertEquals("pw", view.secret("db/password").copyUtf8String());
    AccessDeniedException read =
        assertThrows(AccessDeniedException.class, () -> view.secret("admin/root"));
    assertThrows(
        AccessDeniedException.class, () -> view.put("db/password", SecretValue.ofUtf8("x")));
    assertThrows(AccessDeniedException.class, () -> view.delete("db/password"));
    assertThrows(
        AccessDeniedException.class,
        () -> view.rotate("db/password", c -> SecretValue.ofUtf8("y")));
    assertThrows(
        AccessDeniedException.class, () -> view.encrypt(new byte[1], EncryptionContext.empty()));
    assertThrows(AccessDeniedException.class, () -> view.keys().rotate("default"));
    assertEquals(List.of("db/password"), view.list(""));

    assertTrue(read.getMessage().contains("orders-service"), read.getMessage());
    assertEquals("orders-service read db/password 1 ok", records.get(0));
    assertEquals("orders-service read admin/root 0 denied", records.get(1));
    assertEquals("orders-service write db/password 0 denied", records.get(2));
    assertEquals(6, records.stream().filter(r -> r.endsWith("denied")).count());
    assertEquals("pw", room.secret("db/password").copyUtf8String());
  }

  @Test
  void scoped_ofScoped_intersectsPolicies() {
    room.put("db/a", SecretValue.ofUtf8("a"));
    Strongroom outer = room.scoped(AccessPolicy.allow("db/**", Operation.READ, Operation.WRITE));
    Strongroom inner = outer.scoped(AccessPolicy.allow("**", Operation.READ));

    assertEquals("a", inner.secret("db/a").copyUtf8String());
    assertThrows(AccessDeniedException.class, () -> inner.put("db/a", SecretValue.ofUtf8("b")));
  }

  @Test
  void scoped_keyOperations_checkedAsKekName() {
    Strongroom crypto =
        room.scoped(
            AccessPolicy.allow(
                AccessPolicy.Resource.KEY, "default", Operation.ENCRYPT, Operation.DECRYPT));
    byte[] ct = crypto.encrypt(new byte[] {1}, EncryptionContext.empty());
    assertArrayEquals(new byte[] {1}, crypto.decrypt(ct, EncryptionContext.empty()));
    assertThrows(AccessDeniedException.class, () -> crypto.secret("db/a"));
    assertTrue(records.contains("orders-service encrypt kek/default 0 ok"));
  }

  @Test
  void audit_missingSecret_recordedAsNotFound() {
    assertThrows(NotFoundException.class, () -> room.secret("nope"));
    assertEquals(List.of("orders-service read nope 0 not_found"), records);
  }

  @Test
  void auditThrows_readIsRefusedAndNoValueReleased() {
    room.put("db/password", SecretValue.ofUtf8("pw"));
    room.secret("db/password");
    sink.broken.set(true);

    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> room.secret("db/password"));
    assertTrue(e.getMessage().contains("audit sink"), e.getMessage());
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertThrows(
        AccessDeniedException.class,
        () -> room.decrypt(new byte[] {1, 2}, EncryptionContext.empty()));
    assertThrows(AccessDeniedException.class, () -> room.list(""));

    sink.broken.set(false);
    assertEquals("pw", room.secret("db/password").copyUtf8String());
  }

  @Test
  void auditThrows_changeListenerNotCalled() {
    room.put("a", SecretValue.ofUtf8("one"));
    List<String> seen = new CopyOnWriteArrayList<>();
    room.onChange("a", (n, v, value) -> seen.add(value.copyUtf8String()));
    sink.broken.set(true);

    assertThrows(AccessDeniedException.class, () -> room.put("a", SecretValue.ofUtf8("two")));

    assertEquals(List.of(), seen);
  }

  @Test
  void auditThrowsOnDeniedCall_stillDenied() {
    Strongroom view = room.scoped(AccessPolicy.allow("x", Operation.READ));
    sink.broken.set(true);
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> view.secret("y"));
    assertEquals(1, e.getSuppressed().length);
  }

  @Test
  void audit_neverSeesSecretValue() {
    room.put("a", SecretValue.ofUtf8("CANARY-recorder"));
    room.secret("a");
    room.rotate("a", c -> SecretValue.ofUtf8("CANARY-recorder-2"));
    assertFalse(records.isEmpty());
    records.forEach(r -> assertFalse(r.contains("CANARY"), r));
  }

  @Test
  void noAuditSink_roomWorks() {
    try (Strongroom plain = Strongroom.open("memory:")) {
      plain.put("a", SecretValue.ofUtf8("x"));
      assertEquals("x", plain.secret("a").copyUtf8String());
    }
  }

  @Test
  void auditThrows_writeRefusedBeforeBackendIsTouched() {
    room.put("a", SecretValue.ofUtf8("one"));
    sink.broken.set(true);

    assertThrows(AccessDeniedException.class, () -> room.put("a", SecretValue.ofUtf8("two")));
    assertThrows(AccessDeniedException.class, () -> room.delete("a"));
    assertThrows(
        AccessDeniedException.class, () -> room.rotate("a", c -> SecretValue.ofUtf8("three")));
    assertThrows(AccessDeniedException.class, () -> room.keys().rotate("default"));

    sink.broken.set(false);
    assertEquals(1, room.metadata("a").latestVersion());
    assertEquals("one", room.secret("a").copyUtf8String());
  }

  @Test
  void audit_write_recordsIntentThenOutcome() {
    room.put("a", SecretValue.ofUtf8("one"));

    assertEquals(
        List.of("orders-service write a 0 intent", "orders-service write a 1 ok"), records);
  }

  @Test
  void close_closesAuditSinkAfterRevokingLeases() {
    room.put("a", SecretValue.ofUtf8("one"));
    room.leaseSecret("a", java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(5));
    records.clear();

    room.close();

    assertTrue(sink.closed.get());
    assertEquals(List.of("orders-service lease.revoked a 0 ok"), records);
  }
}
