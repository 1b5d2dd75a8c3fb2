package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.testkit.FakeScheduler;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * One canary value through the whole room: put, read, rotate, lease (issued and dynamic), failed
 * decrypts, denied and missing reads, backend faults, env import and resolution. Strongroom's
 * loggers run at TRACE (src/test/resources/simplelogger.properties); the canary must not appear in
 * the log output, the audit file, any exception (messages, causes, suppressed, as printed), or the
 * toString of anything the room returned.
 */
class RoomCanaryTest {
  static {
    // In case this class runs first in a JVM without the test resources on the class path.
    System.setProperty("org.slf4j.simpleLogger.log.dev.strongroom", "trace");
    System.setProperty("org.slf4j.simpleLogger.log.strongroom", "trace");
  }

  private static final String CANARY = "CANARY-room-9d2f61";
  private static final SecretValue KEY = SecretValue.ofUtf8("canary-chain-key-0123456789");

  @TempDir Path dir;
  private final List<Throwable> thrown = new ArrayList<>();
  private final List<Object> returned = new CopyOnWriteArrayList<>();

  private <T extends Throwable> T expect(Class<T> type, Executable call) {
    T e = assertThrows(type, call);
    thrown.add(e);
    return e;
  }

  private <T> T keep(T value) {
    returned.add(value);
    return value;
  }

  @Test
  void canary_throughWholeRoom_neverInLogsAuditExceptionsOrToString() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exercise(audit);
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);

    assertTrue(log.contains("strongroom.audit") && log.contains("app/canary"), log);
    assertTrue(log.contains("DEBUG") || log.contains("TRACE") || log.contains("WARN"), log);
    assertFalse(log.contains(CANARY), log);
    assertTrue(auditText.contains("app/canary"));
    assertFalse(auditText.contains(CANARY), auditText);
    assertTrue(AuditVerifier.verify(audit, KEY).ok());
    assertTrue(thrown.size() >= 10, "" + thrown.size());
    for (Throwable e : thrown) {
      StringWriter printed = new StringWriter();
      e.printStackTrace(new PrintWriter(printed));
      assertFalse(printed.toString().contains(CANARY), printed.toString());
    }
    assertTrue(returned.size() >= 15, "" + returned.size());
    for (Object o : returned) {
      assertFalse(String.valueOf(o).contains(CANARY), String.valueOf(o));
    }
  }

  private void exercise(Path audit) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    FakeScheduler scheduler = new FakeScheduler(clock);
    FakeCredentials credentials = new FakeCredentials(clock, CANARY + "-dynamic");
    FaultInjectingBackend backend = FaultInjectingBackend.wrap(credentials.backend());
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    try (Strongroom room =
        Strongroom.builder()
            .backend(backend)
            .clock(clock)
            .executor(Runnable::run)
            .leaseScheduler(scheduler)
            .refreshAfter(Duration.ofSeconds(10))
            .maxStaleness(Duration.ofSeconds(30))
            .principal("canary-svc")
            .audit(AuditSinks.jsonLines(audit, KEY))
            .audit(AuditSinks.slf4j())
            .build()) {
      keep(room);
      room.onLeaseEvent(events::add);
      keep(room.onChange("app/canary", (n, v, value) -> keep(value)));

      // put, read, versions, metadata, list
      keep(room.put("app/canary", SecretValue.ofUtf8(CANARY)));
      SecretValue read = keep(room.secret("app/canary"));
      assertEquals(CANARY, read.copyUtf8String());
      keep(room.secret(SecretRef.parse("strongroom:app/canary?version=1")));
      keep(room.metadata("app/canary"));
      keep(room.list("app/"));
      expect(
          dev.strongroom.exception.ConflictException.class,
          () -> room.put("app/canary", SecretValue.ofUtf8(CANARY + "-cas"), 0));

      // rotation: one that works, one whose rotator throws, one that fails verification
      keep(room.rotate("app/canary", current -> SecretValue.ofUtf8(CANARY + "-rotated")));
      expect(
          StrongroomException.class,
          () ->
              room.rotate(
                  "app/canary",
                  current -> {
                    throw new IllegalStateException("generator broke");
                  }));
      expect(
          StrongroomException.class,
          () ->
              room.rotate(
                  "app/canary",
                  new SecretRotator() {
                    @Override
                    public SecretValue generate(SecretValue current) {
                      return SecretValue.ofUtf8(CANARY + "-unverified");
                    }

                    @Override
                    public boolean verify(SecretValue pending) {
                      return false;
                    }
                  }));
      keep(room.secret(SecretRef.parse("strongroom:app/canary?stage=PENDING")));

      // leases: an issued one to its end, a dynamic one through a backend fault
      LeasedCredential issued =
          keep(room.leaseSecret("app/canary", Duration.ofSeconds(10), Duration.ofSeconds(20)));
      keep(issued.field("value"));
      keep(issued.lease());
      LeasedCredential dynamic = keep(room.lease("database/creds/canary"));
      keep(dynamic.fields());
      backend.failing(true);
      expect(BackendUnavailableException.class, () -> room.secret("app/never-cached"));
      scheduler.advance(Duration.ofSeconds(70));
      expect(LeaseExpiredException.class, () -> issued.field("value"));
      expect(LeaseExpiredException.class, () -> dynamic.field("password"));
      expect(BackendUnavailableException.class, () -> room.secret("app/canary"));
      backend.failing(false);
      scheduler.advance(Duration.ofSeconds(70));
      assertTrue(dynamic.field("password").copyUtf8String().startsWith(CANARY));
      keep(dynamic);
      expect(NotFoundException.class, () -> dynamic.field("no-such-field"));

      // crypto failures
      EncryptionContext context = EncryptionContext.of("purpose", "canary");
      byte[] ciphertext = room.encrypt(CANARY.getBytes(StandardCharsets.UTF_8), context);
      expect(
          InvalidCiphertextException.class,
          () -> room.decrypt(ciphertext, EncryptionContext.of("purpose", "other")));
      byte[] flipped = ciphertext.clone();
      flipped[flipped.length - 1] ^= 1;
      expect(InvalidCiphertextException.class, () -> room.decrypt(flipped, context));
      expect(
          InvalidCiphertextException.class,
          () -> room.decrypt(Arrays.copyOf(ciphertext, 20), context));

      // denied and missing
      Strongroom view = keep(room.scoped(AccessPolicy.allow("public/*", Operation.READ)));
      expect(AccessDeniedException.class, () -> view.secret("app/canary"));
      expect(
          AccessDeniedException.class,
          () -> view.leaseSecret("app/canary", Duration.ofSeconds(1), Duration.ofSeconds(1)));
      expect(NotFoundException.class, () -> room.secret("app/missing"));

      // env migration
      Path env = dir.resolve("canary.env");
      Files.writeString(env, "APP_TOKEN=" + CANARY + "-env\n", StandardCharsets.UTF_8);
      keep(room.importEnv(env));
      Files.writeString(env, "BROKEN " + CANARY + "\n", StandardCharsets.UTF_8);
      expect(IllegalArgumentException.class, () -> room.importEnv(env));
      System.setProperty("STRONGROOM_CANARY_REF", "strongroom:app/token");
      try {
        keep(room.resolveEnvironment());
      } finally {
        System.clearProperty("STRONGROOM_CANARY_REF");
      }
      keep(events);
    }
  }
}
