package dev.strongroom.audit;

/**
 * Records {@link AuditEvent}s somewhere durable. Get one from {@link AuditSinks}.
 *
 * <p>Implementations must be thread-safe. {@link #record} must not swallow a failure: a sink that
 * cannot record throws a {@link dev.strongroom.exception.StrongroomException} (an {@link
 * dev.strongroom.exception.AccessDeniedException}) so that a fail-closed caller can refuse the
 * access.
 */
public interface AuditSink extends AutoCloseable {

  /**
   * Records one event, durably enough for this sink before returning (an aggregating sink keeps a
   * high-rate event in memory until its interval's group commit; see {@link JsonLinesOptions}).
   *
   * @throws dev.strongroom.exception.AccessDeniedException if the event could not be recorded
   * @throws IllegalStateException if the sink is closed
   */
  void record(AuditEvent event);

  /**
   * Writes whatever this sink holds in memory (an aggregating sink's pending group) now. The
   * default does nothing: most sinks hold nothing.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if it could not be written
   */
  default void flush() {}

  /** Writes what is pending and releases the sink's resources; later calls throw. Idempotent. */
  @Override
  void close();
}
