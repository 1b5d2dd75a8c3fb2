package dev.strongroom.lease;

/**
 * Receives {@link LeaseEvent}s from a {@link LeaseManager}.
 *
 * <p>Called on the manager's scheduler thread for RENEWED, ROTATED, EXPIRED and FAILED, and on the
 * thread that calls {@code revoke()} or {@code close()} for REVOKED. Events for one credential are
 * delivered one at a time, in order. A listener must be thread-safe if it is registered for several
 * credentials on a multi-threaded scheduler, must return quickly, and should not throw (what it
 * throws is logged and otherwise ignored).
 */
@FunctionalInterface
public interface LeaseListener {

  /** Handles one event. */
  void onEvent(LeaseEvent event);
}
