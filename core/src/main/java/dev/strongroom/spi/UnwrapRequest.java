package dev.strongroom.spi;

import java.util.Objects;

/**
 * A request to unwrap (or rewrap) {@code wrapped} with the named key. Immutable.
 *
 * @param keyName the KEK's name
 * @param wrapped the wrapped data key as {@link KeyEncryptionService#wrap} returned it
 * @param aad the associated data given when it was wrapped
 */
public record UnwrapRequest(String keyName, byte[] wrapped, byte[] aad) {
  /** Checks the fields and copies the arrays. */
  public UnwrapRequest {
    Objects.requireNonNull(keyName, "keyName");
    wrapped = Objects.requireNonNull(wrapped, "wrapped").clone();
    aad = Objects.requireNonNull(aad, "aad").clone();
  }

  @Override
  public byte[] wrapped() {
    return wrapped.clone();
  }

  @Override
  public byte[] aad() {
    return aad.clone();
  }
}
