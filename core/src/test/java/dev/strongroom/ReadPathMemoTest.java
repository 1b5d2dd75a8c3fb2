package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The read path remembers, per view, the names it resolved and the guard allowed: every read is
 * still checked to the same answer and audited, and nothing leaks between views or names.
 */
class ReadPathMemoTest {
  private final MutableClock clock = MutableClock.create();
  private final Recording sink = new Recording();
  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .principal("orders")
          .audit(sink)
          .build();

  /** Records every event; fails while {@code failing} is set. */
  private static final class Recording implements AuditSink {
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public void record(AuditEvent event) {
      if (failing) {
        throw new AccessDeniedException("sink down");
      }
      events.add(event);
    }

    @Override
    public void close() {}

    List<String> reads() {
      return events.stream()
          .filter(e -> e.operation().equals("read"))
          .map(e -> e.resource() + " " + e.outcome())
          .toList();
    }
  }

  private static String read(Strongroom view, String name) {
    try (SecretValue v = view.secret(name)) {
      return v.copyUtf8String();
    }
  }

  @Test
  void secret_readThrice_auditedThrice() {
    room.put("db/a", SecretValue.ofUtf8("a1"));

    for (int i = 0; i < 3; i++) {
      assertEquals("a1", read(room, "db/a"));
    }

    assertEquals(List.of("db/a OK", "db/a OK", "db/a OK"), sink.reads());
  }

  @Test
  void secret_deniedByScopeTwice_refusedAndAuditedBothTimes() {
    room.put("db/a", SecretValue.ofUtf8("a1"));
    Strongroom view = room.scoped(AccessPolicy.allow("app/*", Operation.READ));

    assertThrows(AccessDeniedException.class, () -> view.secret("db/a"));
    assertThrows(AccessDeniedException.class, () -> view.secret("db/a"));

    assertEquals(List.of("db/a DENIED", "db/a DENIED"), sink.reads());
  }

  @Test
  void secret_reservedNameTwice_refusedBothTimes() {
    assertThrows(AccessDeniedException.class, () -> room.secret("apikeys/.pepper"));
    assertThrows(AccessDeniedException.class, () -> room.secret("apikeys/.pepper"));
    assertThrows(AccessDeniedException.class, () -> room.secret(".strongroom"));
  }

  @Test
  void secret_narrowerViewOfAViewThatReadIt_refused() {
    room.put("db/a", SecretValue.ofUtf8("a1"));
    Strongroom wide = room.scoped(AccessPolicy.allow("db/*", Operation.READ));
    assertEquals("a1", read(wide, "db/a"));

    Strongroom narrow = wide.scoped(AccessPolicy.allow("db/b", Operation.READ));

    assertThrows(AccessDeniedException.class, () -> narrow.secret("db/a"));
    assertEquals("a1", read(wide, "db/a"));
    assertThrows(AccessDeniedException.class, () -> narrow.secret("db/a"));
  }

  @Test
  void secret_sameNameInTwoTenants_eachReadsItsOwn() {
    Strongroom t1 = room.tenant("t1");
    Strongroom t2 = room.tenant("t2");
    t1.keys().create("default");
    t2.keys().create("default");
    String name = "db/a";
    t1.put(name, SecretValue.ofUtf8("one"));
    t2.put(name, SecretValue.ofUtf8("two"));

    for (int i = 0; i < 3; i++) {
      assertEquals("one", read(t1, name));
      assertEquals("two", read(t2, name));
      assertEquals("one", read(room, "tenants/t1/db/a"));
    }
  }

  @Test
  void secret_tenantKeyDestroyedAfterMemoizedReads_refused() {
    Strongroom t1 = room.tenant("t1");
    t1.keys().create("default");
    t1.put("db/a", SecretValue.ofUtf8("one"));
    assertEquals("one", read(t1, "db/a"));
    assertEquals("one", read(t1, "db/a"));

    room.keys().destroy("tenant-t1");

    assertThrows(StrongroomException.class, () -> t1.secret("db/a"));
    assertThrows(StrongroomException.class, () -> room.tenant("t1").secret("db/a"));
  }

  @Test
  void secret_namesSharingAHash_eachReadsItsOwn() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    room.put("Aa", SecretValue.ofUtf8("first"));
    room.put("BB", SecretValue.ofUtf8("second"));

    for (int i = 0; i < 3; i++) {
      assertEquals("first", read(room, "Aa"));
      assertEquals("second", read(room, "BB"));
    }
  }

  @Test
  void secret_equalNameInAnotherString_readsTheSameSecret() {
    room.put("db/a", SecretValue.ofUtf8("a1"));
    assertEquals("a1", read(room, "db/a"));

    assertEquals("a1", read(room, new String("db/a".toCharArray())));
  }

  @Test
  void secret_nameThatNormalises_readsItsNormalForm() {
    room.put("db/K", SecretValue.ofUtf8("kelvin"));

    assertEquals("kelvin", read(room, "db/\u212A"));
    assertEquals("kelvin", read(room, "db/\u212A"));
    assertEquals(List.of("db/K OK", "db/K OK"), sink.reads());
  }

  @Test
  void secret_invalidNameTwice_refusedBothTimes() {
    assertThrows(IllegalArgumentException.class, () -> room.secret("db/../x"));
    assertThrows(IllegalArgumentException.class, () -> room.secret("db/../x"));
    assertThrows(NullPointerException.class, () -> room.secret((String) null));
  }

  @Test
  void secret_sinkFailsAfterMemoizedReads_refusedUntilItRecovers() {
    room.put("db/a", SecretValue.ofUtf8("a1"));
    assertEquals("a1", read(room, "db/a"));

    sink.failing = true;
    assertThrows(AccessDeniedException.class, () -> room.secret("db/a"));
    sink.failing = false;

    assertEquals("a1", read(room, "db/a"));
    assertEquals(List.of("db/a OK", "db/a OK"), sink.reads());
  }
}
