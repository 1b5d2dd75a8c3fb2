package dev.strongroom.exception;

/**
 * A ciphertext could not be opened: its tag, key commitment, header, context, length or framing did
 * not verify, or no configured key could unwrap its data key. Every integrity failure carries the
 * same generic message, so that an attacker learns nothing about which check failed, and no
 * plaintext is ever released alongside it.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class InvalidCiphertextException extends StrongroomException {
  private static final long serialVersionUID = 1L;

  /** The one message every integrity failure carries. */
  public static final String MESSAGE = "decryption failed: invalid ciphertext";

  /** Creates the exception with the generic message. */
  public InvalidCiphertextException() {
    super(MESSAGE);
  }

  /** Creates the exception with the generic message, keeping the cause for debugging. */
  public InvalidCiphertextException(Throwable cause) {
    super(MESSAGE, cause);
  }
}
