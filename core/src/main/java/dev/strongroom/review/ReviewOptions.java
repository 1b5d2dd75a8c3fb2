package dev.strongroom.review;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a review looks for.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param window reads at or after {@code now - window} give a secret's readers
 * @param unusedFor a secret not read at or after {@code now - unusedFor} (or never read) is {@link
 *     ReviewReport.Kind#UNUSED}
 * @param notRotatedFor a secret whose CURRENT version was written before {@code now -
 *     notRotatedFor} is {@link ReviewReport.Kind#NOT_ROTATED}
 * @param readers only reads by these principals count; empty: every principal's
 */
public record ReviewOptions(
    Duration window, Duration unusedFor, Duration notRotatedFor, Set<String> readers) {
  /** The default of every duration: 90 days. */
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(90);

  /** Checks the fields (positive durations) and copies {@code readers}. */
  public ReviewOptions {
    positive(window, "window");
    positive(unusedFor, "unusedFor");
    positive(notRotatedFor, "notRotatedFor");
    readers = Set.copyOf(readers);
  }

  /** 90 days for each period, every reader. */
  public static ReviewOptions defaults() {
    return new ReviewOptions(DEFAULT_PERIOD, DEFAULT_PERIOD, DEFAULT_PERIOD, Set.of());
  }

  /** A copy with {@code window}. */
  public ReviewOptions withWindow(Duration window) {
    return new ReviewOptions(window, unusedFor, notRotatedFor, readers);
  }

  /** A copy with {@code unusedFor}. */
  public ReviewOptions withUnusedFor(Duration unusedFor) {
    return new ReviewOptions(window, unusedFor, notRotatedFor, readers);
  }

  /** A copy with {@code notRotatedFor}. */
  public ReviewOptions withNotRotatedFor(Duration notRotatedFor) {
    return new ReviewOptions(window, unusedFor, notRotatedFor, readers);
  }

  /** A copy counting only reads by {@code readers} (empty: every principal). */
  public ReviewOptions withReaders(Set<String> readers) {
    return new ReviewOptions(window, unusedFor, notRotatedFor, readers);
  }

  private static void positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
    }
  }
}
