package dev.strongroom.internal.apikey;

import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.internal.room.AccessRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Aggregated audit of rejected verifications, so that a flood of forged keys cannot fill the audit
 * disk: the first rejection of each interval is recorded in full (outcome, key id, source), the
 * rest are only counted per outcome, and the counts are recorded as one event ({@code "suppressed
 * ... invalid=N ..."}) once the interval is over, at the next verification or at {@link #flush}. At
 * most two records per interval, whatever the rate.
 *
 * <p>Thread-safe (synchronized; a rejection is not the hot path). Recording goes through {@code
 * sink}, which throws if the audit fails, and that failure reaches the caller: fail-closed. Not for
 * public use.
 */
final class RejectionAudit {
  private final Clock clock;
  private final long intervalMillis;
  private final Sink sink;

  /** Where records go: throws if one cannot be recorded. */
  @FunctionalInterface
  interface Sink {
    void record(String resource, String outcome, String detail);
  }

  private final Map<Outcome, Long> suppressed = new EnumMap<>(Outcome.class);
  private long windowStart = Long.MIN_VALUE;
  private volatile long flushDue = Long.MAX_VALUE;

  RejectionAudit(Clock clock, Duration interval, Sink sink) {
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.sink = sink;
  }

  /** Notes one rejection; records it in full if it is the first of its interval. */
  synchronized void rejected(Outcome outcome, String resource, Supplier<String> detail) {
    long now = clock.millis();
    if (windowStart != Long.MIN_VALUE && now - windowStart < intervalMillis) {
      suppressed.merge(outcome, 1L, Long::sum);
      flushDue = windowStart + intervalMillis;
      return;
    }
    flushLocked(now);
    sink.record(
        resource,
        AccessRecorder.DENIED,
        detail.get()); // throws if the audit fails: nothing counted
    windowStart = now;
  }

  /** Records the counts of a finished interval, if any: one volatile read when there is nothing. */
  void flushIfDue() {
    if (clock.millis() >= flushDue) {
      synchronized (this) {
        long now = clock.millis();
        if (now >= flushDue) {
          flushLocked(now);
        }
      }
    }
  }

  /** Records the counts so far, whether or not the interval is over. */
  synchronized void flush() {
    flushLocked(clock.millis());
  }

  private void flushLocked(long now) {
    if (suppressed.isEmpty()) {
      return;
    }
    StringBuilder detail =
        new StringBuilder("suppressed rejections from ")
            .append(Instant.ofEpochMilli(windowStart))
            .append(" to ")
            .append(Instant.ofEpochMilli(Math.min(now, windowStart + intervalMillis)))
            .append(':');
    suppressed.forEach(
        (outcome, count) ->
            detail
                .append(' ')
                .append(outcome.name().toLowerCase(Locale.ROOT))
                .append('=')
                .append(count));
    Map<Outcome, Long> counts = new EnumMap<>(suppressed);
    suppressed.clear();
    flushDue = Long.MAX_VALUE;
    try {
      sink.record("apikeys", AccessRecorder.DENIED, detail.toString());
    } catch (RuntimeException e) {
      counts.forEach((o, c) -> suppressed.merge(o, c, Long::sum)); // kept for the next try
      flushDue = now;
      throw e;
    }
  }
}
