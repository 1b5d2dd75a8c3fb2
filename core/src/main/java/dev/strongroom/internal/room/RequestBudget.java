package dev.strongroom.internal.room;

import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The room's request budget: a token bucket on the room's clock shared by everything the room sends
 * to the backend in the background (secret refreshes, KEK checks).
 *
 * <p>Rules. Tokens accrue at {@link #rate()} per second up to a capacity of one second's worth (at
 * least one token). Background work {@linkplain #tryTake takes} tokens and waits when there are
 * none. Foreground work (a read on a cold cache, a read past the stale bound, a key describe on an
 * operation) is never delayed: it {@linkplain #charge charges} the bucket, which may go into debt
 * (down to {@code rate x debtSeconds} tokens), so the background work after it waits until the room
 * is back within its budget. The bucket starts with a random fraction of one token, so rooms
 * started together take their background tokens at different instants. A {@linkplain #pause pause}
 * (after a throttled answer) holds every background request until it ends.
 *
 * <p>Thread-safe (every method locks the bucket; none does I/O).
 */
final class RequestBudget {
  private final Clock clock;
  private final DoubleSupplier rate;
  private final double debtSeconds;
  private double tokens;
  private long lastMillis;
  private long pausedUntil = Long.MIN_VALUE;

  /**
   * A bucket refilling at {@code rate} requests per second (read at each refill, so a derived rate
   * follows the cache's size), that starts with {@code startTokens} (in [0, 1): the random phase).
   */
  RequestBudget(Clock clock, DoubleSupplier rate, double debtSeconds, double startTokens) {
    this.clock = clock;
    this.rate = rate;
    this.debtSeconds = debtSeconds;
    this.tokens = startTokens;
    this.lastMillis = clock.millis();
  }

  /** The current rate in requests per second. */
  double rate() {
    return rate.getAsDouble();
  }

  /** Takes {@code n} tokens if the bucket holds them and is not paused. */
  synchronized boolean tryTake(int n) {
    long now = refill();
    if (now < pausedUntil || tokens < n) {
      return false;
    }
    tokens -= n;
    return true;
  }

  /** Whether {@code n} tokens could be taken now (nothing is taken). */
  synchronized boolean available(int n) {
    long now = refill();
    return now >= pausedUntil && tokens >= n;
  }

  /** Charges {@code n} tokens for foreground requests already sent; never waits. */
  synchronized void charge(int n) {
    refill();
    tokens = Math.max(tokens - n, -rate() * debtSeconds);
  }

  /** Holds background requests for {@code d} from now. */
  synchronized void pause(Duration d) {
    pausedUntil = Math.max(pausedUntil, clock.millis() + d.toMillis());
  }

  /** The earliest time (clock millis) at which {@code n} tokens can be taken. */
  synchronized long nextAt(int n) {
    long now = refill();
    double missing = n - tokens;
    long at = missing <= 0 ? now : now + (long) Math.ceil(missing * 1000 / rate());
    return Math.max(at, pausedUntil);
  }

  /** The tokens in the bucket now (negative in debt); for tests and diagnostics. */
  synchronized double tokens() {
    refill();
    return tokens;
  }

  private long refill() {
    long now = clock.millis();
    if (now > lastMillis) {
      double r = rate();
      double capacity = Math.max(1.0, r);
      tokens = Math.min(capacity, tokens + (now - lastMillis) * r / 1000.0);
      lastMillis = now;
    }
    return now;
  }
}
