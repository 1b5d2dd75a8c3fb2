package dev.strongroom.exception;

/**
 * Something the library stored for itself failed its integrity check: an API-key record whose MAC
 * does not verify (edited, forged, or moved to another key's name by someone without the pepper),
 * or an API-key pepper that is missing while key records exist, or does not open. Nothing is
 * trusted, and nothing is silently recreated; the message names the record, never a secret.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class TamperedException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that must not contain secret material. */
  public TamperedException(String message) {
    super(message);
  }

  /** Creates the exception with a message that must not contain secret material, and a cause. */
  public TamperedException(String message, Throwable cause) {
    super(message, cause);
  }
}
