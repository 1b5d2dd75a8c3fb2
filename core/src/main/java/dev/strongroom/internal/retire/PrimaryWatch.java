package dev.strongroom.internal.retire;

import dev.strongroom.spi.KeyEncryptionService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a KEK's new primary version made outside the room (a native Transit or KMS rotation): at
 * most once per {@code interval} of the room's clock per key, a describe; when the primary version
 * changed, {@code changed} drops the key's cached data keys so that the next message is wrapped
 * under the new version. Checked on each use of the key's envelope by the room and by a periodic
 * task for envelopes the application holds. A failed describe is logged and retried after the next
 * interval; it never fails the operation that triggered it.
 *
 * <p>Thread-safe: concurrent callers never describe one key twice in one interval.
 */
public final class PrimaryWatch {
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryWatch.class);

  private final KeyEncryptionService keys;
  private final Clock clock;
  private final long intervalMillis;
  private final Consumer<String> changed;
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

  private static final class State {
    volatile long checkedAt;
    int primary; // guarded by this

    State(long checkedAt, int primary) {
      this.checkedAt = checkedAt;
      this.primary = primary;
    }
  }

  /** A watch that describes each key at most every {@code interval} of {@code clock}. */
  public PrimaryWatch(
      KeyEncryptionService keys, Clock clock, Duration interval, Consumer<String> changed) {
    this.keys = keys;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.changed = changed;
  }

  /** The bound the watch keeps. */
  public Duration interval() {
    return Duration.ofMillis(intervalMillis);
  }

  /** Starts watching {@code kek} (known to be at {@code primary} now) if it is not watched yet. */
  public void watch(String kek) {
    states.computeIfAbsent(kek, k -> new State(clock.millis(), -1));
  }

  /** Describes {@code kek} if its interval passed; drops its data keys if the primary changed. */
  public void check(String kek) {
    State state = states.get(kek);
    if (state == null) {
      return;
    }
    long now = clock.millis();
    if (now - state.checkedAt < intervalMillis) {
      return; // the hot path: no lock until a check is due
    }
    synchronized (state) {
      if (now - state.checkedAt < intervalMillis) {
        return;
      }
      state.checkedAt = now;
      int primary;
      try {
        primary = keys.describe(kek).primaryVersion();
      } catch (RuntimeException e) {
        LOG.warn(
            "checking key {} for a new primary version failed: {}", kek, e.getClass().getName());
        return;
      }
      int before = state.primary;
      state.primary = primary;
      if (before != primary) {
        // the first describe also drops: the envelope's DEK may predate the watch
        changed.accept(kek);
      }
    }
  }

  /** Checks every watched key (the periodic task). */
  public void checkAll() {
    states.keySet().forEach(this::check);
  }

  /** Stops watching {@code kek} (destroyed). */
  public void forget(String kek) {
    states.remove(kek);
  }
}
