package dev.strongroom.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, for a room's {@code Strongroom.Builder.clock} or a backend's
 * open request: cache ages, lease renewals and timestamps follow it, so tests never sleep.
 * Thread-safe; copies made by {@link #withZone} share the same time.
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private TestClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock standing at {@code start}, in UTC. */
  public static TestClock at(Instant start) {
    return new TestClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /** A clock standing at 2030-01-01T00:00:00Z, in UTC. */
  public static TestClock create() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** Moves the clock forward (or back, for a negative amount). */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    now.updateAndGet(t -> t.plus(amount));
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new TestClock(now, Objects.requireNonNull(newZone, "newZone"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
