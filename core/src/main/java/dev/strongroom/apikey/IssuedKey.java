package dev.strongroom.apikey;

import dev.strongroom.SecretValue;
import java.util.Objects;

/**
 * A key just issued: the full key, handed out this once (only its keyed hash is stored), and its
 * metadata. {@link #toString()} shows the metadata only.
 *
 * <p>Thread-safe; the caller owns the key value and should wipe it once it has been shown.
 */
public final class IssuedKey {
  private final SecretValue key;
  private final ApiKeyInfo info;

  private IssuedKey(SecretValue key, ApiKeyInfo info) {
    this.key = Objects.requireNonNull(key, "key");
    this.info = Objects.requireNonNull(info, "info");
  }

  /** An issued key; takes ownership of {@code key}. */
  public static IssuedKey of(SecretValue key, ApiKeyInfo info) {
    return new IssuedKey(key, info);
  }

  /** The full key (ASCII), such as {@code sr_live_…}. */
  public SecretValue key() {
    return key;
  }

  /** The key's metadata. */
  public ApiKeyInfo info() {
    return info;
  }

  /** The public key id. */
  public String id() {
    return info.id();
  }

  @Override
  public String toString() {
    return "IssuedKey[" + info + "]";
  }
}
