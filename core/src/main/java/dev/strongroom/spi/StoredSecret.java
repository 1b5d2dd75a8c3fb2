package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import java.util.Objects;

/**
 * A secret value read from a store, with its version's metadata. {@code toString} shows the
 * metadata only. Immutable holder; the caller owns (and may wipe) the value.
 */
public final class StoredSecret {
  private final SecretVersion version;
  private final SecretValue value;

  private StoredSecret(SecretVersion version, SecretValue value) {
    this.version = Objects.requireNonNull(version, "version");
    this.value = Objects.requireNonNull(value, "value");
  }

  /** A stored secret; takes ownership of {@code value}. */
  public static StoredSecret of(SecretVersion version, SecretValue value) {
    return new StoredSecret(version, value);
  }

  /** The version's metadata. */
  public SecretVersion version() {
    return version;
  }

  /** The value. */
  public SecretValue value() {
    return value;
  }

  @Override
  public String toString() {
    return "StoredSecret[" + version + "]";
  }
}
