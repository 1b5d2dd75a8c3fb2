package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An audited cached read reads the room's clock once, for the cache's stale bound and refresh
 * schedule and for the event's time: the cache guarantees hold as on an unaudited room, and each
 * read's event carries the time of the read.
 */
class AuditedReadPathTest {
  private static final Duration REFRESH = Duration.ofMinutes(1);
  private static final Duration STALE = Duration.ofMinutes(10);
  private static final Duration PAST_DUE = REFRESH.plus(REFRESH.dividedBy(10)).plusSeconds(1);

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend memory = MemoryBackend.create(clock);
  private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(memory);
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private volatile boolean sinkFailing;
  private final Strongroom room =
      Strongroom.builder()
          .backend(backend)
          .clock(clock)
          .refreshAfter(REFRESH)
          .maxStaleness(STALE)
          .executor(Runnable::run)
          .audit(
              new AuditSink() {
                @Override
                public void record(AuditEvent event) {
                  if (sinkFailing) {
                    throw new AccessDeniedException("sink down");
                  }
                  events.add(event);
                }

                @Override
                public void close() {}
              })
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  private List<String> reads() {
    List<String> out = new ArrayList<>();
    for (AuditEvent e : events) {
      if (e.operation().equals("read")) {
        out.add(e.resource() + " " + e.version() + " " + e.outcome() + " " + e.time());
      }
    }
    return out;
  }

  private void putElsewhere(String name, String value) {
    memory
        .secrets()
        .write(
            new dev.strongroom.spi.WriteRequest(
                name, SecretValue.ofUtf8(value), Stage.CURRENT, -1));
  }

  @Test
  void secret_cachedReads_eachEventCarriesTheTimeOfItsRead() {
    room.put("a", SecretValue.ofUtf8("one"));
    Instant first = clock.instant();
    room.secret("a").wipe();
    clock.advance(Duration.ofMillis(1500));
    Instant second = clock.instant();
    room.secret("a").wipe();

    assertEquals(List.of("a 1 OK " + first, "a 1 OK " + second), reads());
  }

  @Test
  void backendDown_servesLastValueForStaleBound_thenFails_thenRecovers() {
    room.put("db/password", SecretValue.ofUtf8("one"));
    backend.failing(true);

    clock.advance(REFRESH.plusSeconds(1)); // the refresh fails: the last value is still served
    assertEquals("one", room.secret("db/password").copyUtf8String());
    clock.advance(STALE.minus(REFRESH).minusSeconds(1)); // exactly at the bound
    assertEquals("one", room.secret("db/password").copyUtf8String());

    clock.advance(Duration.ofMillis(1)); // past the bound: fail clearly, audited as an error
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> room.secret("db/password"));
    assertTrue(e.getMessage().contains("stale bound"), e.getMessage());
    assertEquals("db/password 0 ERROR", reads().get(reads().size() - 1).replaceAll(" [^ ]*$", ""));

    backend.failing(false); // the next read recovers
    assertEquals("one", room.secret("db/password").copyUtf8String());
    assertEquals(Duration.ZERO, room.staleness("db/password").get());
  }

  @Test
  void secret_afterRefreshInterval_seesOtherWritersValue() {
    putElsewhere("a", "one");
    assertEquals("one", room.secret("a").copyUtf8String());
    putElsewhere("a", "two");

    assertEquals("one", room.secret("a").copyUtf8String()); // fresh: cached
    clock.advance(PAST_DUE);
    room.secret("a"); // starts the refresh (here on this thread)

    assertEquals("two", room.secret("a").copyUtf8String());
  }

  @Test
  void secret_sinkFailsOnACachedRead_refusedAndNothingReturned() {
    room.put("a", SecretValue.ofUtf8("one"));
    room.secret("a").wipe();

    sinkFailing = true;
    assertThrows(AccessDeniedException.class, () -> room.secret("a"));
    sinkFailing = false;

    assertEquals("one", room.secret("a").copyUtf8String());
  }
}
