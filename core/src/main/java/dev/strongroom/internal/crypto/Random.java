package dev.strongroom.internal.crypto;

import java.security.SecureRandom;

/** The one {@link SecureRandom} Strongroom draws keys and salts from. Thread-safe. */
public final class Random {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Random() {}

  /** Fills {@code bytes} with random bytes. */
  public static void fill(byte[] bytes) {
    RANDOM.nextBytes(bytes);
  }

  /** Returns {@code length} random bytes. */
  public static byte[] bytes(int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    return out;
  }
}
