package dev.strongroom.audit;

/**
 * Told about the health of a JSON-lines sink: a group that could not be written (the sink then
 * refuses aggregated events, see docs/AUDIT.md), its recovery, and a checkpoint mirror that failed
 * or came back (which never refuses anything while the local checkpoint is written). For health
 * checks and metrics. Every method has an empty default.
 *
 * <p>Called on the thread that wrote (a caller's, or the sink's flush thread), outside no lock the
 * caller holds; implementations must be thread-safe, quick, and must not throw.
 */
public interface AuditSinkListener {

  /** A group commit (or a single event's write) failed; the sink is failing. */
  default void writeFailed(RuntimeException cause) {}

  /** A write succeeded after a failure; the sink accepts events again. */
  default void recovered() {}

  /** Writing the checkpoint to {@code mirror} failed (retried at the next mirror interval). */
  default void mirrorFailed(AuditCheckpointStore mirror, RuntimeException cause) {}

  /** Writing the checkpoint to {@code mirror} succeeded after a failure. */
  default void mirrorRecovered(AuditCheckpointStore mirror) {}
}
