package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import java.util.Objects;

/**
 * A request to wrap {@code dataKey} under the named key, binding {@code aad} (associated data the
 * unwrap must repeat). Immutable; the data key is owned by the caller.
 *
 * @param keyName the KEK's name
 * @param dataKey the plaintext data key
 * @param aad associated data bound to the wrapped key (may be empty, never null)
 */
public record WrapRequest(String keyName, SecretValue dataKey, byte[] aad) {
  /** Checks the fields and copies {@code aad}. */
  public WrapRequest {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(dataKey, "dataKey");
    aad = Objects.requireNonNull(aad, "aad").clone();
  }

  @Override
  public byte[] aad() {
    return aad.clone();
  }

  /**
   * A request to generate and wrap a fresh data key under the named key.
   *
   * @param keyName the KEK's name
   * @param aad associated data bound to the wrapped key
   */
  public record Generate(String keyName, byte[] aad) {
    /** Checks the fields and copies {@code aad}. */
    public Generate {
      Objects.requireNonNull(keyName, "keyName");
      aad = Objects.requireNonNull(aad, "aad").clone();
    }

    @Override
    public byte[] aad() {
      return aad.clone();
    }
  }
}
