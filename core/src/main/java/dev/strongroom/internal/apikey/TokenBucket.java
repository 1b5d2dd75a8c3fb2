package dev.strongroom.internal.apikey;

import java.time.Clock;
import java.time.Duration;

/**
 * One token bucket on the room's clock: up to {@code burst} tokens, one back every {@code refill}.
 * Used to bound backend reads for key ids that turn out to be unknown.
 *
 * <p>Thread-safe (synchronized; only lookups that miss both caches reach it). Not for public use.
 */
final class TokenBucket {
  private final Clock clock;
  private final int burst;
  private final long refillMillis;
  private double tokens;
  private long at;

  TokenBucket(Clock clock, int burst, Duration refill) {
    this.clock = clock;
    this.burst = burst;
    this.refillMillis = Math.max(1, refill.toMillis());
    this.tokens = burst;
    this.at = clock.millis();
  }

  /** Whether a token is available now (none is taken). */
  synchronized boolean available() {
    refill();
    return tokens >= 1;
  }

  /** Takes a token if there is one. */
  synchronized void take() {
    refill();
    tokens = Math.max(0, tokens - 1);
  }

  private void refill() {
    long now = clock.millis();
    if (now > at) {
      tokens = Math.min(burst, tokens + (double) (now - at) / refillMillis);
      at = now;
    }
  }
}
