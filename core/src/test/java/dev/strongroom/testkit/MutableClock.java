package dev.strongroom.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand. Thread-safe. */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock standing at {@code start}, in UTC. */
  public static MutableClock at(Instant start) {
    return new MutableClock(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  /** A clock standing at 2030-01-01T00:00:00Z. */
  public static MutableClock create() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** A clock standing at 2026-01-01T00:00:00Z. */
  public static MutableClock fixed() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Moves the clock forward (or back, for a negative amount). */
  public void advance(Duration amount) {
    now.updateAndGet(t -> t.plus(amount));
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new MutableClock(now, newZone);
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
