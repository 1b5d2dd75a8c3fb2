package dev.strongroom.exception;

/**
 * A lease ended (expired, revoked or not renewable any further) and its secret may no longer be
 * used.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class LeaseExpiredException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public LeaseExpiredException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public LeaseExpiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
