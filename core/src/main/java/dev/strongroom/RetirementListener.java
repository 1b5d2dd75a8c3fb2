package dev.strongroom;

/**
 * Progress of a key retirement ({@link Keys#retire}). Each item is a secret whose stored values
 * were checked (and rewrapped where sealed under a version being retired) or the API-key pepper.
 * Called after each item, or once with {@code total} 0 when there is nothing to check; an exception
 * thrown here stops the job, and the checkpoint lets the next run resume.
 *
 * <p>Called on the job's thread; need not be thread-safe.
 */
@FunctionalInterface
public interface RetirementListener {
  /**
   * Item {@code done} of {@code total} ({@code where}) is finished; {@code rewrapped} values were
   * moved to the primary version so far.
   */
  void progress(long done, long total, String where, long rewrapped);

  /** A listener that ignores progress. */
  RetirementListener NONE = (d, t, w, r) -> {};
}
