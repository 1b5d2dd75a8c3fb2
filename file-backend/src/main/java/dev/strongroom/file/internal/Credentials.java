package dev.strongroom.file.internal;

import dev.strongroom.SecretValue;
import java.util.Arrays;
import java.util.Objects;

/**
 * What unlocks a store: a passphrase (stretched with Argon2id) or a 32-byte master key. {@code
 * toString} says which kind only. Thread-safe; {@link #wipe} ends its use.
 */
public final class Credentials {
  private final char[] passphrase;
  private final SecretValue masterKey;

  private Credentials(char[] passphrase, SecretValue masterKey) {
    this.passphrase = passphrase;
    this.masterKey = masterKey;
  }

  /** A passphrase; the array is copied, the caller may wipe its own. */
  public static Credentials passphrase(char[] passphrase) {
    Objects.requireNonNull(passphrase, "passphrase");
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("expected a non-empty passphrase");
    }
    return new Credentials(passphrase.clone(), null);
  }

  /** A 32-byte master key; copied. */
  public static Credentials masterKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "expected a 32-byte master key but was " + key.length + " bytes");
    }
    return new Credentials(null, SecretValue.of(key));
  }

  /** A master key given as base64 text (standard or URL-safe alphabet). */
  public static Credentials masterKeyBase64(String text) {
    byte[] key;
    try {
      String trimmed = text.trim();
      key =
          trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
              ? java.util.Base64.getUrlDecoder().decode(trimmed)
              : java.util.Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a base64 master key but it did not decode");
    }
    try {
      return masterKey(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  boolean isPassphrase() {
    return passphrase != null;
  }

  char[] passphraseChars() {
    return passphrase.clone();
  }

  SecretValue masterKeyValue() {
    return masterKey;
  }

  /** Overwrites the passphrase or key. */
  public void wipe() {
    if (passphrase != null) {
      Arrays.fill(passphrase, '\0');
    }
    if (masterKey != null) {
      masterKey.wipe();
    }
  }

  @Override
  public String toString() {
    return passphrase != null ? "Credentials[passphrase]" : "Credentials[master key]";
  }
}
