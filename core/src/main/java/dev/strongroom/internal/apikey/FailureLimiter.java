package dev.strongroom.internal.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets of failures, one per key id and one per source: each holds up to {@code burst}
 * tokens, a failure takes one, one comes back every {@code refill}. A bucket without a token makes
 * verification refuse at once. Idle buckets are forgotten after they would be full again.
 *
 * <p>Thread-safe (each bucket is guarded by its own lock). Not for public use.
 */
final class FailureLimiter {
  private final Clock clock;
  private final int burst;
  private final long refillMillis;
  private final Cache<String, Bucket> ids;
  private final Cache<String, Bucket> sources;

  FailureLimiter(Clock clock, int burst, Duration refill) {
    this.clock = clock;
    this.burst = burst;
    this.refillMillis = Math.max(1, refill.toMillis());
    long idleMillis = Math.max(1, refillMillis * burst);
    this.ids = buckets(clock, idleMillis);
    this.sources = buckets(clock, idleMillis);
  }

  private static Cache<String, Bucket> buckets(Clock clock, long idleMillis) {
    return Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterAccess(idleMillis, TimeUnit.MILLISECONDS)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }

  /** Whether the key id (may be null) and the source (may be null) may still fail. */
  boolean allowed(String keyId, String source) {
    long now = clock.millis();
    return allowed(ids, keyId, now) && allowed(sources, source, now);
  }

  /** Takes a token from the key id's and the source's buckets (either may be null). */
  void failed(String keyId, String source) {
    long now = clock.millis();
    take(ids, keyId, now);
    take(sources, source, now);
  }

  private boolean allowed(Cache<String, Bucket> buckets, String key, long now) {
    if (key == null) {
      return true;
    }
    Bucket bucket = buckets.getIfPresent(key);
    return bucket == null || bucket.available(now) >= 1;
  }

  private void take(Cache<String, Bucket> buckets, String key, long now) {
    if (key != null) {
      buckets.get(key, k -> new Bucket(burst, now)).take(now);
    }
  }

  private final class Bucket {
    private double tokens;
    private long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    synchronized double available(long now) {
      refill(now);
      return tokens;
    }

    synchronized void take(long now) {
      refill(now);
      tokens = Math.max(0, tokens - 1);
    }

    private void refill(long now) {
      if (now > at) {
        tokens = Math.min(burst, tokens + (double) (now - at) / refillMillis);
        at = now;
      }
    }
  }
}
