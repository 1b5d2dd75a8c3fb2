package dev.strongroom.observe;

import dev.strongroom.apikey.Verification;
import dev.strongroom.lease.LeaseEvent;
import java.time.Duration;

/**
 * Told what a room does, for metrics and health: cache hits and misses, backend calls with their
 * latency, stale reads, lease events, rotation outcomes, audit failures and API-key verifications.
 * Every method has a no-op default, so an implementation overrides only what it counts, and new
 * callbacks can be added later without breaking implementations.
 *
 * <p>Implementations must be thread-safe: a room calls its observer from any thread that reads,
 * writes or verifies, and from its own background threads (refreshes, the lease thread), often
 * concurrently and on the hot path. Each call must be quick and must not block (increment a
 * counter, record a timer). An exception an observer throws is the observer's bug: the room catches
 * it, ignores it and carries on, so an observer can never fail or slow an access it observes. The
 * observer is never given a secret value; names of secrets and lease paths are metadata and may be
 * passed (an observer that turns them into metric tags should bound their cardinality).
 */
public interface RoomObserver {

  /** An observer that does nothing; the room's default. */
  static RoomObserver noop() {
    return NoopObserver.INSTANCE;
  }

  /**
   * A read of the CURRENT value of {@code name} was served from the cache without a backend call.
   */
  default void cacheHit(String name) {}

  /** A read of the CURRENT value of {@code name} was not in the cache and went to the backend. */
  default void cacheMiss(String name) {}

  /**
   * A call to the backend ended: {@code operation} is the SPI call ({@code read}, {@code write},
   * {@code list}, {@code metadata}, {@code moveStage}, {@code delete}, {@code destroy}, {@code
   * wrap}, {@code unwrap}, ...), {@code latency} how long it took, and {@code error} the
   * exception's class if it failed, or {@code null} if it succeeded.
   */
  default void backendCall(String operation, Duration latency, Class<? extends Throwable> error) {}

  /**
   * A read of {@code name} was served from the cache while the backend failed; {@code staleness} is
   * how long ago the backend last confirmed the value (within the room's stale bound, or the read
   * would have failed).
   */
  default void staleRead(String name, Duration staleness) {}

  /**
   * Something happened to a lease the room holds: renewed, rotated, expired, revoked, or a renewal
   * or rotation failed ({@link LeaseEvent.Type#FAILED}).
   */
  default void leaseEvent(String path, LeaseEvent.Type type) {}

  /** A rotation of {@code name} ended with {@code outcome} after {@code duration}. */
  default void rotation(String name, RotationOutcome outcome, Duration duration) {}

  /**
   * An audit sink failed to record {@code operation} (so the access was refused, the room being
   * fail-closed); {@code error} is the sink's exception class.
   */
  default void auditFailure(String operation, Class<? extends Throwable> error) {}

  /** An API key was verified with {@code outcome} ({@code VALID}, {@code INVALID}, ...). */
  default void apiKeyVerification(Verification.Outcome outcome) {}
}
