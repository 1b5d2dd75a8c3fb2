package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachingTest {
  private static final Duration REFRESH = Duration.ofMinutes(1);
  private static final Duration STALE = Duration.ofMinutes(10);

  /** Past every refresh's due time: refreshAfter plus the default jitter (a tenth) plus 1 s. */
  private static final Duration PAST_DUE = REFRESH.plus(REFRESH.dividedBy(10)).plusSeconds(1);

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend memory = MemoryBackend.create(clock);
  private final FaultInjectingBackend backend = FaultInjectingBackend.wrap(memory);
  private final Strongroom room =
      Strongroom.builder()
          .backend(backend)
          .clock(clock)
          .refreshAfter(REFRESH)
          .maxStaleness(STALE)
          .executor(Runnable::run)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  /** A write that bypasses the room, as another process would make it. */
  private void putElsewhere(String name, String value) {
    memory
        .secrets()
        .write(
            new dev.strongroom.spi.WriteRequest(
                name, SecretValue.ofUtf8(value), Stage.CURRENT, -1));
  }

  @Test
  void secret_fresh_servedFromCacheWithoutBackendCalls() {
    room.put("a", SecretValue.ofUtf8("one"));
    room.secret("a");
    long calls = backend.storeCalls();

    for (int i = 0; i < 100; i++) {
      room.secret("a");
    }

    assertEquals(calls, backend.storeCalls());
  }

  @Test
  void secret_afterRefreshInterval_seesOtherWritersValue() {
    putElsewhere("a", "one");
    assertEquals("one", room.secret("a").copyUtf8String());
    putElsewhere("a", "two");

    assertEquals("one", room.secret("a").copyUtf8String()); // fresh: cached
    clock.advance(PAST_DUE);
    room.secret("a"); // triggers the refresh-ahead (here on this thread)

    assertEquals("two", room.secret("a").copyUtf8String());
  }

  @Test
  void backendDown_servesLastValueForStaleBound_thenFails_thenRecovers() {
    room.put("db/password", SecretValue.ofUtf8("one"));
    assertEquals(Optional.of(Duration.ZERO), room.staleness("db/password"));
    backend.failing(true);

    clock.advance(REFRESH.plusSeconds(1)); // refresh fails: the last value is still served
    assertEquals("one", room.secret("db/password").copyUtf8String());
    clock.advance(STALE.minus(REFRESH).minusSeconds(1)); // exactly at the bound
    assertEquals("one", room.secret("db/password").copyUtf8String());
    assertEquals(Optional.of(STALE), room.staleness("db/password"));

    clock.advance(Duration.ofSeconds(1)); // past the bound: fail clearly
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> room.secret("db/password"));
    assertTrue(e.getMessage().contains("stale bound"), e.getMessage());
    assertTrue(e.getCause() instanceof BackendUnavailableException);

    backend.failing(false); // the same room recovers on the next read
    assertEquals("one", room.secret("db/password").copyUtf8String());
    assertEquals(Optional.of(Duration.ZERO), room.staleness("db/password"));
  }

  @Test
  void backendDown_missNotCached_failsAtOnce() {
    backend.failing(true);
    assertThrows(BackendUnavailableException.class, () -> room.secret("never-read"));
    backend.failing(false);
    assertThrows(NotFoundException.class, () -> room.secret("never-read"));
  }

  @Test
  void staleness_notCached_isEmpty() {
    assertEquals(Optional.empty(), room.staleness("nothing"));
  }

  @Test
  void onChange_refreshSeesNewVersion_listenerGetsNewValue() {
    putElsewhere("a", "one");
    room.secret("a");
    List<String> seen = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    room.onChange(
        "a",
        (name, version, value) -> {
          seen.add(name + "=" + value.copyUtf8String());
          versions.add(version);
        });

    putElsewhere("a", "two");
    clock.advance(PAST_DUE);
    room.secret("a");
    room.secret("a");

    assertEquals(List.of("a=two"), seen);
    assertEquals(List.of(2L), versions);
  }

  @Test
  void onChange_writeThroughRoom_listenerToldOnce_andCloseStopsIt() {
    room.put("a", SecretValue.ofUtf8("one"));
    List<String> seen = new ArrayList<>();
    Strongroom.Registration registration =
        room.onChange("a", (name, version, value) -> seen.add(value.copyUtf8String()));

    room.put("a", SecretValue.ofUtf8("two"));
    registration.close();
    room.put("a", SecretValue.ofUtf8("three"));

    assertEquals(List.of("two"), seen);
  }

  @Test
  void onChange_throwingListener_doesNotBreakRefreshOrOthers() {
    room.put("a", SecretValue.ofUtf8("one"));
    List<String> seen = new ArrayList<>();
    room.onChange(
        "a",
        (n, v, value) -> {
          throw new IllegalStateException("listener bug");
        });
    room.onChange("a", (n, v, value) -> seen.add(value.copyUtf8String()));

    room.put("a", SecretValue.ofUtf8("two"));

    assertEquals(List.of("two"), seen);
    assertEquals("two", room.secret("a").copyUtf8String());
  }

  @Test
  void deletedElsewhere_refreshDropsValue() {
    putElsewhere("a", "one");
    room.secret("a");
    memory.secrets().delete("a");

    clock.advance(PAST_DUE);
    room.secret("a"); // served once more while the refresh finds it gone

    assertThrows(NotFoundException.class, () -> room.secret("a"));
    assertTrue(memory.secrets().read(ReadRequest.current("a")).isEmpty());
  }
}
