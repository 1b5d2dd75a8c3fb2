package dev.strongroom.exception;

/**
 * The unchecked root of every operational failure Strongroom reports. Misuse of the API (a null
 * argument, an out-of-range setting) is reported with the JDK's {@link NullPointerException},
 * {@link IllegalArgumentException} and {@link IllegalStateException} instead.
 *
 * <p>Messages never contain a secret value, key material or a server's response body. Instances are
 * immutable once thrown and may be shared between threads.
 */
public class StrongroomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that must not contain secret material. */
  public StrongroomException(String message) {
    super(message);
  }

  /** Creates an exception with a message that must not contain secret material, and a cause. */
  public StrongroomException(String message, Throwable cause) {
    super(message, cause);
  }
}
