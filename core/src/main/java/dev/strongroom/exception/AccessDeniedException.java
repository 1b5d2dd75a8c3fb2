package dev.strongroom.exception;

/**
 * The caller's scope, policy or credentials do not allow the operation, or a fail-closed audit sink
 * could not record it.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class AccessDeniedException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public AccessDeniedException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public AccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
