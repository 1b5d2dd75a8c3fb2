package dev.strongroom.exception;

/**
 * A backend or key service could not be reached or answered with a server error, and no cached
 * value may be served any more. Its one subclass, {@link BackendThrottledException}, says the
 * backend refused the request as one too many.
 *
 * <p>Immutable; safe to share between threads.
 */
public class BackendUnavailableException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public BackendUnavailableException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
