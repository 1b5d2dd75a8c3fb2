package dev.strongroom.exception;

/**
 * A named secret, version, key, lease or API key does not exist (or was destroyed).
 *
 * <p>Immutable; safe to share between threads.
 */
public final class NotFoundException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public NotFoundException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
