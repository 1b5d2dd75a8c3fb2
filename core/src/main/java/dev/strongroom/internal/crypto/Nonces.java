package dev.strongroom.internal.crypto;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Random 96-bit AES-GCM nonces for single-shot messages, drawn from the kernel's random number
 * generator ({@code /dev/urandom}; the platform's {@link SecureRandom} where there is none).
 *
 * <p>Design: a nonce must come from randomness that two copies of a restored process image do not
 * share, so nothing is drawn ahead for long. Kernel bytes are read {@link #BATCH} nonces at a time
 * into one of a few lock-striped buffers and used at most {@link #MAX_AGE_MILLIS} ms of wall-clock
 * time after the read; a stale or used-up buffer is refilled, and every nonce handed out is zeroed
 * in the buffer. This is the rule of the JDK's own NativePRNG (which buffers up to 64 KiB of {@code
 * /dev/urandom} for 100 ms), with a smaller buffer, without its SHA1PRNG mixing (whose state the
 * copies would share anyway) and without its lock on every call: one read of 1.5 KiB per 128 nonces
 * instead of a synchronized SHA-1 step per nonce. Copies resumed more than 100 ms of wall clock
 * after the snapshot draw fresh kernel bytes for their first nonce; docs/FORMAT.md section 7 has
 * the exact conditions. Thread-safe.
 */
public final class Nonces {
  /** Nonces per kernel read. */
  static final int BATCH = 128;

  /** How long read bytes may be used, in wall-clock milliseconds (NativePRNG's rule). */
  static final long MAX_AGE_MILLIS = 100;

  private static final InputStream URANDOM = openUrandom();
  private static final SecureRandom FALLBACK = new SecureRandom();

  private static InputStream openUrandom() {
    try {
      return new FileInputStream("/dev/urandom");
    } catch (IOException | SecurityException e) {
      return null; // not a Unix-like system: SecureRandom
    }
  }

  private static final Nonces SHARED =
      new Nonces(Nonces::readKernel, System::currentTimeMillis, stripes());

  private final Source source;
  private final LongSupplier clock;
  private final Stripe[] stripes;

  /** Where random bytes come from: fills the whole array. */
  interface Source {
    void fill(byte[] bytes) throws IOException;
  }

  Nonces(Source source, LongSupplier clock, int stripes) {
    this.source = source;
    this.clock = clock;
    this.stripes = new Stripe[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new Stripe();
    }
  }

  /** Writes {@link AesGcm#NONCE_LENGTH} fresh random bytes into {@code out} at {@code off}. */
  public static void fill(byte[] out, int off) {
    SHARED.next(out, off);
  }

  void next(byte[] out, int off) {
    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number
    long id = Thread.currentThread().getId();
    Stripe stripe = stripes[(int) (id % stripes.length)];
    stripe.lock.lock();
    try {
      long now = clock.getAsLong();
      if (stripe.position == stripe.bytes.length
          || now - stripe.readAt >= MAX_AGE_MILLIS
          || now < stripe.readAt) {
        stripe.refill(source, now);
      }
      int n = AesGcm.NONCE_LENGTH;
      System.arraycopy(stripe.bytes, stripe.position, out, off, n);
      Arrays.fill(stripe.bytes, stripe.position, stripe.position + n, (byte) 0);
      stripe.position += n;
    } finally {
      stripe.lock.unlock();
    }
  }

  /** A copy of this generator's buffered state, as a restored process image holds it; tests. */
  Nonces snapshotCopy(LongSupplier clock) {
    Nonces copy = new Nonces(source, clock, stripes.length);
    for (int i = 0; i < stripes.length; i++) {
      copy.stripes[i].bytes = stripes[i].bytes.clone();
      copy.stripes[i].position = stripes[i].position;
      copy.stripes[i].readAt = stripes[i].readAt;
    }
    return copy;
  }

  private static int stripes() {
    int n = 4 * Runtime.getRuntime().availableProcessors();
    return Math.max(4, Math.min(n, 256));
  }

  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    byte[] bytes = new byte[BATCH * AesGcm.NONCE_LENGTH];
    int position = bytes.length; // empty: the first nonce reads
    long readAt;

    void refill(Source source, long now) {
      try {
        source.fill(bytes);
      } catch (IOException e) {
        throw new IllegalStateException("could not read the kernel's random numbers", e);
      }
      position = 0;
      readAt = now;
    }
  }

  /** Fills {@code bytes} from {@code /dev/urandom} (SecureRandom where there is none). */
  static void readKernel(byte[] bytes) throws IOException {
    if (URANDOM == null) {
      FALLBACK.nextBytes(bytes);
      return;
    }
    int off = 0;
    while (off < bytes.length) {
      int n = URANDOM.read(bytes, off, bytes.length - off);
      if (n < 0) {
        throw new IOException("/dev/urandom ended");
      }
      off += n;
    }
  }
}
