package dev.strongroom.exception;

/**
 * A check-and-set write lost: the secret changed since the version the caller expected.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ConflictException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public ConflictException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
