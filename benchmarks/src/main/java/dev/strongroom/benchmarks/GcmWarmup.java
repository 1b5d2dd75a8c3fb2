package dev.strongroom.benchmarks;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Pre-warms the JDK's AES-GCM path for single calls over more than 64 KiB. JDK 17 runs such calls
 * at ~85 MB/s until the JIT promotes the split GCTR/GHASH path, which takes seconds of
 * large-message traffic; 1 KiB or 16 KiB traffic does not warm it, 65,600-byte traffic does. This
 * encrypts and decrypts 65,600-byte messages until both directions run above {@link
 * #FAST_BYTES_PER_SECOND} for three batches in a row, or {@link #MAX_MILLIS} passes. On JDK 25 it
 * returns after the first few batches, yet a single 1 MiB call can still run in the slow tier
 * afterwards (benchmarks/README.md, "JDK 25 at 1 MiB"). Stateless; call from setup only.
 */
final class GcmWarmup {
  static final int SLOW_PATH_THRESHOLD = 64 * 1024;

  private static final int MESSAGE = 65_600;
  private static final int BATCH = 32;
  private static final double FAST_BYTES_PER_SECOND = 600e6;
  private static final long MAX_MILLIS = Long.getLong("strongroom.bench.warmupMillis", 30_000);

  private GcmWarmup() {}

  /** Runs large-message GCM until it is fast; prints what it took to standard error. */
  static void untilFast() throws Exception {
    SecretKey key = Impls.aesKey();
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] plaintext = Impls.randomBytes(MESSAGE);
    byte[] ciphertext = new byte[MESSAGE + 16];
    byte[] back = new byte[MESSAGE];
    byte[] nonce = new byte[12];
    long start = System.nanoTime();
    long counter = 0;
    int fastInARow = 0;
    while (fastInARow < 3 && System.nanoTime() - start < MAX_MILLIS * 1_000_000) {
      long encNanos = 0;
      long decNanos = 0;
      for (int i = 0; i < BATCH; i++) {
        long n = ++counter;
        for (int b = 0; b < 8; b++) {
          nonce[11 - b] = (byte) (n >>> (8 * b));
        }
        GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
        long t0 = System.nanoTime();
        cipher.init(Cipher.ENCRYPT_MODE, key, spec);
        cipher.doFinal(plaintext, 0, MESSAGE, ciphertext, 0);
        long t1 = System.nanoTime();
        cipher.init(Cipher.DECRYPT_MODE, key, spec);
        cipher.doFinal(ciphertext, 0, ciphertext.length, back, 0);
        decNanos += System.nanoTime() - t1;
        encNanos += t1 - t0;
      }
      double bytes = (double) BATCH * MESSAGE;
      boolean fast =
          bytes * 1e9 / encNanos > FAST_BYTES_PER_SECOND
              && bytes * 1e9 / decNanos > FAST_BYTES_PER_SECOND;
      fastInARow = fast ? fastInARow + 1 : 0;
    }
    System.err.printf(
        "GCM warm-up: %d messages of %d B in %d ms (%s)%n",
        counter,
        MESSAGE,
        (System.nanoTime() - start) / 1_000_000,
        fastInARow >= 3 ? "fast" : "gave up, still slow");
  }
}
