package dev.strongroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 16: change listeners against a model of interleaved writes and registrations. Writes come
 * from this room ({@code HERE}) or from a second room on the same backend ({@code ELSEWHERE}, as a
 * second instance of the service would write); {@code TICK} moves the clock past {@code
 * refreshAfter} and reads, so the watching room's cache refreshes. Refreshes and listeners run on
 * the calling thread ({@code Runnable::run}) and the clock is a test clock: no timing, no waits.
 *
 * <p>For a listener registered when the latest version was {@code v0} (0 before the first write):
 * it gets strictly increasing versions, none below {@code v0} (and {@code v0} itself only first);
 * every version written through this room after it registered; and, after a final refresh, the last
 * version written anywhere. So a listener registered before the first write gets version 1 when
 * this room writes it.
 */
public class ListenerOrderingPropertiesTest {
  /** The backend both rooms share; the file backend's tests override this. */
  protected Backend backend(MutableClock clock) {
    return MemoryBackend.create(clock);
  }

  /**
   * The secret each try watches; fresh per call on backends shared by every try (a server), since a
   * try expects to start before the first version.
   */
  protected String secretName() {
    return "app/key";
  }

  private static final Duration REFRESH = Duration.ofMinutes(1);

  enum Action {
    REGISTER,
    HERE,
    ELSEWHERE,
    TICK
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    return Arbitraries.of(Action.class).list().ofMinSize(1).ofMaxSize(12);
  }

  private static final class Watch {
    final long registeredAt;
    final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    final TreeSet<Long> mustSee = new TreeSet<>();

    Watch(long registeredAt) {
      this.registeredAt = registeredAt;
    }
  }

  @Property(tries = 300)
  void listeners_getEveryVersionInOrder(@ForAll("actions") List<Action> actions) {
    MutableClock clock = MutableClock.create();
    String name = secretName();
    try (Backend shared = backend(clock);
        Strongroom room = room(shared, clock);
        Strongroom other = room(shared, clock)) {
      List<Watch> watches = new ArrayList<>();
      long latest = 0;
      for (Action action : actions) {
        switch (action) {
          case REGISTER -> {
            Watch w = new Watch(latest);
            watches.add(w);
            room.onChange(name, (n, version, value) -> w.seen.add(version));
          }
          case HERE, ELSEWHERE -> {
            Strongroom writer = action == Action.HERE ? room : other;
            latest = writer.put(name, SecretValue.ofUtf8("v" + (latest + 1))).version();
            if (action == Action.HERE) {
              for (Watch w : watches) {
                w.mustSee.add(latest);
              }
            }
          }
          case TICK -> tick(room, name, clock, latest);
        }
      }
      tick(room, name, clock, latest);
      for (Watch w : watches) {
        check(w, latest, actions);
      }
    }
  }

  enum Step {
    REGISTER,
    HERE,
    ELSEWHERE,
    TICK,
    PUMP
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(16);
  }

  /**
   * As {@link #listeners_getEveryVersionInOrder}, but the room's background work (refreshes,
   * removal notifications, listener calls) is queued and run one task at a time when the model says
   * {@code PUMP}, so jqwik explores how it interleaves with writes and registrations; everything
   * still queued runs at the end.
   */
  @Property(tries = 300)
  void listeners_withDeferredBackgroundWork_getEveryVersionInOrder(
      @ForAll("steps") List<Step> steps) {
    MutableClock clock = MutableClock.create();
    String name = secretName();
    java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();
    try (Backend shared = backend(clock);
        Strongroom room = room(shared, clock, queue::add);
        Strongroom other = room(shared, clock, Runnable::run)) {
      List<Watch> watches = new ArrayList<>();
      long latest = 0;
      for (Step step : steps) {
        switch (step) {
          case REGISTER -> {
            Watch w = new Watch(latest);
            watches.add(w);
            room.onChange(name, (n, version, value) -> w.seen.add(version));
          }
          case HERE, ELSEWHERE -> {
            Strongroom writer = step == Step.HERE ? room : other;
            latest = writer.put(name, SecretValue.ofUtf8("v" + (latest + 1))).version();
            if (step == Step.HERE) {
              for (Watch w : watches) {
                w.mustSee.add(latest);
              }
            }
          }
          case TICK -> tick(room, name, clock, latest);
          case PUMP -> {
            Runnable task = queue.poll();
            if (task != null) {
              task.run();
            }
          }
        }
      }
      drain(queue);
      tick(room, name, clock, latest);
      drain(queue);
      for (Watch w : watches) {
        check(w, latest, steps);
      }
    }
  }

  private static void drain(java.util.ArrayDeque<Runnable> queue) {
    for (int i = 0; i < 10_000 && !queue.isEmpty(); i++) {
      queue.poll().run();
    }
  }

  // Named cases; the first is the smallest failing case jqwik found on today's code.

  // Fails today: no listener hears version 1, since the first write inserts the cache entry
  // (no REPLACED removal, so nothing is announced). The other examples pass and guard the rest.
  @Example
  void registeredBeforeFirstWrite_getsVersion1() {
    listeners_getEveryVersionInOrder(List.of(Action.REGISTER, Action.HERE));
  }

  @Example
  void registeredAfterARead_getsTheNextWrite() {
    listeners_getEveryVersionInOrder(
        List.of(Action.HERE, Action.TICK, Action.REGISTER, Action.HERE));
  }

  @Example
  void registeredWithoutARead_getsTheNextWrite() {
    listeners_getEveryVersionInOrder(List.of(Action.HERE, Action.REGISTER, Action.HERE));
  }

  @Example
  void twoQuickWritesHere_bothDelivered() {
    listeners_getEveryVersionInOrder(
        List.of(Action.HERE, Action.TICK, Action.REGISTER, Action.HERE, Action.HERE));
  }

  @Example
  void writeElsewhere_deliveredAtRefresh() {
    listeners_getEveryVersionInOrder(
        List.of(Action.HERE, Action.TICK, Action.REGISTER, Action.ELSEWHERE, Action.TICK));
  }

  @Example
  void writeElsewhereThenHere_bothDelivered() {
    listeners_getEveryVersionInOrder(
        List.of(Action.HERE, Action.TICK, Action.REGISTER, Action.ELSEWHERE, Action.HERE));
  }

  // Smallest failing cases jqwik found with deferred background work (found with the version-1
  // rule relaxed, one rule at a time), each a separate bug of today's code:

  // Quick writes through the room collapse: each deferred removal notification announces the
  // cache's entry at the time it runs (registered at v1, then v2, v3, v4: saw only [4]).
  @Example
  void deferred_quickWritesHere_everyVersionDelivered() {
    listeners_withDeferredBackgroundWork_getEveryVersionInOrder(
        List.of(Step.HERE, Step.REGISTER, Step.HERE, Step.HERE, Step.HERE));
  }

  // A version that enters the cache by insertion is never announced, whatever its number: v1
  // written elsewhere, v2 written here into an empty cache, then nothing (saw []).
  @Example
  void deferred_firstCachedVersion_isDelivered() {
    listeners_withDeferredBackgroundWork_getEveryVersionInOrder(
        List.of(Step.REGISTER, Step.ELSEWHERE, Step.HERE));
  }

  // Registered when the latest version is v3 (written by another room), the listener first gets
  // the older v2, from this room's deferred notification of its own write (saw [2, 3]).
  @Example
  void deferred_registeredAfterAWrite_neverGetsAnOlderVersion() {
    listeners_withDeferredBackgroundWork_getEveryVersionInOrder(
        List.of(Step.HERE, Step.HERE, Step.ELSEWHERE, Step.REGISTER));
  }

  private static void tick(Strongroom room, String name, MutableClock clock, long latest) {
    clock.advance(REFRESH.plus(REFRESH.dividedBy(10)).plusSeconds(1)); // past the jitter
    if (latest > 0) {
      room.secret(name).wipe(); // serves the old entry and reloads it inline
      room.secret(name).wipe();
    }
  }

  private static void check(Watch w, long latest, List<?> actions) {
    List<Long> seen = List.copyOf(w.seen);
    String where = "actions " + actions + ", registered at v" + w.registeredAt + ", saw " + seen;
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "not strictly increasing: " + where);
    }
    for (int i = 0; i < seen.size(); i++) {
      long v = seen.get(i);
      assertTrue(
          v > w.registeredAt || (v == w.registeredAt && i == 0 && v > 0),
          "a version older than the one current at registration: " + where);
    }
    assertTrue(seen.containsAll(w.mustSee), "missed versions " + w.mustSee + ": " + where);
    if (latest > w.registeredAt) {
      assertEquals(latest, seen.isEmpty() ? 0 : seen.get(seen.size() - 1), "last: " + where);
    }
  }

  private static Strongroom room(Backend shared, MutableClock clock) {
    return room(shared, clock, Runnable::run);
  }

  private static Strongroom room(
      Backend shared, MutableClock clock, java.util.concurrent.Executor executor) {
    return Strongroom.builder()
        .backend(NonClosingBackend.of(shared))
        .clock(clock)
        .executor(executor)
        .refreshAfter(REFRESH)
        .build();
  }
}
