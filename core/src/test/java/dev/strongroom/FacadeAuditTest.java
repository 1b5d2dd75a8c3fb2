package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The facade's one fail-closed audit policy (issue 11, item 5): streams are recorded, and leases,
 * like reads, are not handed out when their outcome cannot be recorded.
 */
class FacadeAuditTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("file", "report.pdf");

  private final MutableClock clock = MutableClock.create();
  private final List<String> records = new CopyOnWriteArrayList<>();

  /** Records are accepted while positive, then the sink fails: -1 never fails. */
  private final AtomicInteger budget = new AtomicInteger(-1);

  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .audit(
              new AuditSink() {
                @Override
                public void record(AuditEvent e) {
                  if (budget.get() == 0) {
                    throw new IllegalStateException("audit disk full");
                  }
                  budget.updateAndGet(b -> b > 0 ? b - 1 : b);
                  records.add(e.operation() + " " + e.resource() + " " + e.outcome());
                }

                @Override
                public void close() {}
              })
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  @Test
  void streams_areRecorded_andRoundTrip() throws Exception {
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out = room.encryptingStream(sealed, CONTEXT)) {
      out.write(new byte[] {1, 2, 3});
    }
    byte[] plain;
    try (InputStream in =
        room.decryptingStream(new ByteArrayInputStream(sealed.toByteArray()), CONTEXT)) {
      plain = in.readAllBytes();
    }

    assertArrayEquals(new byte[] {1, 2, 3}, plain);
    assertEquals(List.of("encrypt kek/default OK", "decrypt kek/default OK"), records);
  }

  @Test
  void streams_sinkFails_refused() {
    budget.set(0);
    assertThrows(
        AccessDeniedException.class,
        () -> room.encryptingStream(new ByteArrayOutputStream(), CONTEXT));
    assertThrows(
        AccessDeniedException.class,
        () -> room.decryptingStream(new ByteArrayInputStream(new byte[64]), CONTEXT));
  }

  @Test
  void streams_checkedByTheGuard() {
    Strongroom noKeys = room.scoped(AccessPolicy.allow("**", Operation.READ));
    assertThrows(
        AccessDeniedException.class,
        () -> noKeys.encryptingStream(new ByteArrayOutputStream(), CONTEXT));
    assertTrue(records.contains("encrypt kek/default DENIED"), records.toString());
  }

  @Test
  void leaseSecret_outcomeNotRecorded_leaseRevokedNotReturned() {
    room.put("db/password", SecretValue.ofUtf8("pw"));
    records.clear();
    budget.set(1); // the intent is recorded, the outcome is not

    assertThrows(
        AccessDeniedException.class,
        () -> room.leaseSecret("db/password", Duration.ofMinutes(1), Duration.ofMinutes(5)));

    assertEquals(List.of("lease db/password INTENT"), records);
    assertEquals(0, room.core().leases().size());
  }

  @Test
  void tenant_sinkFails_noViewHandedOut() {
    budget.set(0);
    assertThrows(AccessDeniedException.class, () -> room.tenant("acme"));
  }
}
