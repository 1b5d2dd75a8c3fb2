package dev.strongroom.vault.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with "equal jitter": attempt {@code n} waits a random time between
 * half and all of {@code min(max, initial * 2^(n-1))}. Immutable and thread-safe.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;

  private Backoff(Duration initial, Duration max) {
    this.initial = Objects.requireNonNull(initial, "initial");
    this.max = Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "expected 0 < initial <= max but was " + initial + ", " + max);
    }
  }

  /** A backoff starting at {@code initial} and capped at {@code max}. */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max);
  }

  /** The wait after failed attempt {@code attempt} (from 1), with {@code random} in [0, 1). */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("expected an attempt >= 1 but was " + attempt);
    }
    long cap = max.toNanos();
    long base = initial.toNanos();
    long ceiling = base;
    for (int i = 1; i < attempt && ceiling < cap; i++) {
      ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
    }
    ceiling = Math.min(ceiling, cap);
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random * (ceiling - half)));
  }

  /** The wait after failed attempt {@code attempt}, with fresh randomness. */
  public Duration delay(int attempt) {
    return delay(attempt, ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public String toString() {
    return "Backoff[" + initial + ".." + max + "]";
  }
}
