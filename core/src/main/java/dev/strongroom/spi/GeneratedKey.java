package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import java.util.Objects;

/**
 * A freshly generated data key and its wrapped form. The caller owns and wipes {@code dataKey}.
 * Immutable reference holder; {@code toString} never shows the key.
 *
 * @param dataKey the plaintext data key
 * @param wrapped its wrapped form
 */
public record GeneratedKey(SecretValue dataKey, WrappedKey wrapped) {
  /** Checks the fields. */
  public GeneratedKey {
    Objects.requireNonNull(dataKey, "dataKey");
    Objects.requireNonNull(wrapped, "wrapped");
  }
}
