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
   * Records one event, durably enough for this sink before returning.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if the event could not be recorded
   * @throws IllegalStateException if the sink is closed
   */
  void record(AuditEvent event);

  /** Releases the sink's resources; later {@link #record} calls throw. Idempotent. */
  @Override
  void close();
}
