package dev.strongroom.internal.crypto;

import java.security.SecureRandom;

/**
 * Random 96-bit AES-GCM nonces for single-shot messages, drawn per message from the platform's
 * {@link SecureRandom} (on Linux NativePRNG, which mixes kernel randomness buffered for at most 100
 * ms into every call, so copies of a process image resumed later than that draw different nonces;
 * docs/FORMAT.md section 7 has the exact conditions). Thread-safe.
 */
public final class Nonces {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[AesGcm.NONCE_LENGTH]);

  private Nonces() {}

  /** Writes {@link AesGcm#NONCE_LENGTH} fresh random bytes into {@code out} at {@code off}. */
  public static void fill(byte[] out, int off) {
    byte[] nonce = SCRATCH.get();
    RANDOM.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, off, nonce.length);
  }
}
