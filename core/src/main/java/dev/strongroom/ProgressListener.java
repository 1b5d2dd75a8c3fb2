package dev.strongroom;

/**
 * Told how far long work has come ({@link Strongroom#importEnv(java.nio.file.Path, String,
 * ProgressListener)}, {@link dev.strongroom.review.Reviewer}), for a progress bar: {@code done} of
 * {@code total} units, called on the working thread after each unit or group of units, the last
 * call with {@code done == total}. Never given a secret value. Implementations need not be
 * thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores progress. */
  ProgressListener NONE = (done, total) -> {};

  /** {@code done} of {@code total} units are done. */
  void progress(long done, long total);
}
