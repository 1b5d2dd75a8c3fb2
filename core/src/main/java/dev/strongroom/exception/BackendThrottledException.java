package dev.strongroom.exception;

/**
 * The backend refused a request because the caller sent too many (HTTP 429, a Secrets Manager or
 * KMS {@code ThrottlingException}): retrying at once makes it worse. A room that gets it on a
 * background refresh serves the cached value (within the stale bound) and pauses its background
 * requests.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class BackendThrottledException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public BackendThrottledException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public BackendThrottledException(String message, Throwable cause) {
    super(message, cause);
  }
}
