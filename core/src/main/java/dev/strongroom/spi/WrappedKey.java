package dev.strongroom.spi;

import java.util.Objects;

/**
 * A data key wrapped by a KEK version. Not secret. Immutable.
 *
 * @param wrapped the service's wrapped form (at most 1024 bytes)
 * @param keyVersion the KEK version that wrapped it
 */
public record WrappedKey(byte[] wrapped, int keyVersion) {
  /** Checks the fields and copies {@code wrapped}. */
  public WrappedKey {
    wrapped = Objects.requireNonNull(wrapped, "wrapped").clone();
    if (wrapped.length == 0 || wrapped.length > 1024) {
      throw new IllegalArgumentException(
          "expected 1 to 1024 wrapped bytes but was " + wrapped.length);
    }
  }

  @Override
  public byte[] wrapped() {
    return wrapped.clone();
  }
}
