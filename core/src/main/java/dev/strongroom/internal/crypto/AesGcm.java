package dev.strongroom.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag, with one {@link Cipher} per thread and
 * provider that is re-initialised for every message ({@code Cipher.getInstance} costs about 2 µs on
 * JDK 17, more than a whole 1 KiB message).
 *
 * <p>Which provider runs a message ({@link GcmProvider}): by default the faster one for its size on
 * the running JDK, as measured (see {@link #choose}); the system property {@value
 * #PROVIDER_PROPERTY} ({@code auto}, {@code jdk} or {@code accp}) or {@link #prefer} fixes one. The
 * bytes are the same either way.
 *
 * <p>Large messages on the JDK's provider are fed to the {@code Cipher} in {@link #SLICE_LENGTH}
 * slices ({@code update} calls, then {@code doFinal}): the same ciphertext, but SunJCE processes a
 * single call of 64 KiB or more in a split GCTR/GHASH loop that runs at ~85 MB/s until the JIT
 * compiles it, which large-message traffic alone may take seconds to do (benchmarks/README.md); a
 * slice stays below that trigger. SunJCE buffers every {@code update} of a decryption until {@code
 * doFinal} and then runs it as one call, so large decryptions on the JDK's provider are done in two
 * sliced passes instead (see {@code decryptSliced}); same result, same checks.
 *
 * <p>Thread-safe: each thread uses its own {@code Cipher}s. Callers guarantee nonce uniqueness.
 */
public final class AesGcm {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  /** Messages longer than this are encrypted in slices of this length on the JDK's provider. */
  public static final int SLICE_LENGTH = 64 * 1024;

  /**
   * The system property that fixes the provider: {@code auto} (default), {@code jdk}, {@code accp}.
   */
  public static final String PROVIDER_PROPERTY = "strongroom.crypto.provider";

  private static final ThreadLocal<Cipher> JDK_CIPHER =
      ThreadLocal.withInitial(() -> newCipher(GcmProvider.JDK));
  // ACCP refuses an encryption under the key and nonce of the Cipher's previous init, decryption
  // included; one Cipher per direction keeps its guard to repeated encryptions, as SunJCE's is.
  private static final ThreadLocal<Cipher> ACCP_ENCRYPT_CIPHER =
      ThreadLocal.withInitial(() -> newCipher(GcmProvider.ACCP));
  private static final ThreadLocal<Cipher> ACCP_DECRYPT_CIPHER =
      ThreadLocal.withInitial(() -> newCipher(GcmProvider.ACCP));
  private static final ThreadLocal<Cipher> JDK_CTR = ThreadLocal.withInitial(AesGcm::newCtrCipher);
  private static final ThreadLocal<byte[]> AAD_SCRATCH =
      ThreadLocal.withInitial(() -> new byte[256]);

  /** The fixed provider, or null to choose per message ({@link #choose}). */
  private static volatile GcmProvider preferred =
      fromProperty(System.getProperty(PROVIDER_PROPERTY));

  private AesGcm() {}

  /**
   * Fixes the provider of every later message ({@code null}: choose per size, the default).
   *
   * @return the previous setting
   * @throws IllegalStateException if {@code provider} is not {@link GcmProvider#available()}
   */
  public static GcmProvider prefer(GcmProvider provider) {
    if (provider != null && !provider.available()) {
      provider.jcaProvider(); // throws, saying why
    }
    GcmProvider previous = preferred;
    preferred = provider;
    return previous;
  }

  /** The provider that runs a message of {@code length} bytes now. */
  public static GcmProvider providerFor(int length, boolean encrypt) {
    GcmProvider fixed = preferred;
    return fixed != null ? fixed : choose(length, encrypt);
  }

  /**
   * Encrypts {@code in[inOff, inOff+inLen)} into {@code out} at {@code outOff}, writing {@code
   * inLen + TAG_LENGTH} bytes. {@code aad[aadOff, aadOff+aadLen)} and then {@code extraAad} (may be
   * empty) are authenticated. {@code in} and {@code out} must not overlap.
   *
   * @return the number of bytes written
   */
  public static int encrypt(
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff) {
    return encrypt(
        (GcmProvider) null,
        key,
        nonce,
        nonceOff,
        aad,
        aadOff,
        aadLen,
        extraAad,
        in,
        inOff,
        inLen,
        out,
        outOff);
  }

  /** As {@code encrypt} above, on {@code fixed}, or on the provider chosen per size if null. */
  public static int encrypt(
      GcmProvider fixed,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff) {
    GcmProvider provider = fixed != null ? fixed : providerFor(inLen, true);
    return encrypt(
        provider,
        provider == GcmProvider.JDK,
        key,
        nonce,
        nonceOff,
        aad,
        aadOff,
        aadLen,
        extraAad,
        in,
        inOff,
        inLen,
        out,
        outOff);
  }

  /** As the public {@code encrypt}, on {@code provider}, sliced or in one call; for tests. */
  static int encrypt(
      GcmProvider provider,
      boolean sliced,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff) {
    try {
      Cipher cipher =
          init(provider, Cipher.ENCRYPT_MODE, key, nonce, nonceOff, aad, aadOff, aadLen, extraAad);
      if (!sliced || inLen <= SLICE_LENGTH || in == out) {
        return cipher.doFinal(in, inOff, inLen, out, outOff);
      }
      int written = 0;
      int off = inOff;
      int end = inOff + inLen;
      while (end - off > SLICE_LENGTH) {
        written += cipher.update(in, off, SLICE_LENGTH, out, outOff + written);
        off += SLICE_LENGTH;
      }
      return written + cipher.doFinal(in, off, end - off, out, outOff + written);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed unexpectedly", e);
    }
  }

  /**
   * Decrypts and verifies {@code in[inOff, inOff+inLen)} (ciphertext followed by the tag) into
   * {@code out} at {@code outOff}. No plaintext is left in {@code out} unless the tag verifies (on
   * failure the range holds zeros or what it held before). {@code in} and {@code out} must not
   * overlap.
   *
   * @return the number of plaintext bytes written
   * @throws AEADBadTagException if the tag, the nonce, the key or the associated data is wrong
   */
  public static int decrypt(
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    return decrypt(
        (GcmProvider) null,
        key,
        nonce,
        nonceOff,
        aad,
        aadOff,
        aadLen,
        extraAad,
        in,
        inOff,
        inLen,
        out,
        outOff);
  }

  /** As {@code decrypt} above, on {@code fixed}, or on the provider chosen per size if null. */
  public static int decrypt(
      GcmProvider fixed,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    GcmProvider provider = fixed != null ? fixed : providerFor(inLen, false);
    return decrypt(
        provider,
        provider == GcmProvider.JDK && inLen - TAG_LENGTH > SLICE_LENGTH,
        key,
        nonce,
        nonceOff,
        aad,
        aadOff,
        aadLen,
        extraAad,
        in,
        inOff,
        inLen,
        out,
        outOff);
  }

  /**
   * As the public {@code decrypt}, on {@code provider} in one call, or (if {@code sliced}) on the
   * JDK's provider in slices, whatever the length; for tests.
   */
  static int decrypt(
      GcmProvider provider,
      boolean sliced,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    if (inLen < TAG_LENGTH) {
      throw new AEADBadTagException("too short");
    }
    try {
      if (sliced && in != out) {
        return decryptSliced(
            key, nonce, nonceOff, aad, aadOff, aadLen, extraAad, in, inOff, inLen, out, outOff);
      }
      return init(
              provider, Cipher.DECRYPT_MODE, key, nonce, nonceOff, aad, aadOff, aadLen, extraAad)
          .doFinal(in, inOff, inLen, out, outOff);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("AES-GCM key or nonce rejected", e);
    } catch (GeneralSecurityException e) {
      // ShortBufferException, IllegalBlockSizeException: the caller sized the buffers.
      throw new IllegalStateException("AES-GCM decryption failed unexpectedly", e);
    }
  }

  /**
   * GCM decryption in slices on the JDK's provider, which buffers a decryption until {@code
   * doFinal} and then runs it as one call (the slow tier above 64 KiB). GCM is AES-CTR from the
   * counter block {@code nonce || 00000002} plus a tag over the ciphertext; so (1) AES-CTR in
   * slices gives the candidate plaintext into {@code out}, and (2) GCM-encrypting that candidate in
   * slices, under the same key, nonce and associated data, gives back exactly this ciphertext and
   * hence its tag, which is compared with the received one in constant time. On a mismatch {@code
   * out} is zeroed (as SunJCE does) and the caller gets {@link AEADBadTagException}. Two standard
   * operations composed, no new primitive; both passes run at the sliced speed. The 32-bit counter
   * of GCM cannot wrap: a Java array holds fewer than 2^32 blocks.
   */
  private static int decryptSliced(
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws GeneralSecurityException {
    int length = inLen - TAG_LENGTH;
    byte[] counter = new byte[16];
    System.arraycopy(nonce, nonceOff, counter, 0, NONCE_LENGTH);
    counter[15] = 2; // inc32(J0) for a 96-bit nonce: the first counter of the payload
    Cipher ctr = JDK_CTR.get();
    ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter));
    int written = 0;
    int off = inOff;
    int end = inOff + length;
    while (end - off > SLICE_LENGTH) {
      written += ctr.update(in, off, SLICE_LENGTH, out, outOff + written);
      off += SLICE_LENGTH;
    }
    written += ctr.doFinal(in, off, end - off, out, outOff + written);

    // A Cipher of its own: SunJCE refuses a second encryption under one key and nonce per Cipher.
    Cipher gcm = newCipher(GcmProvider.JDK);
    gcm.init(
        Cipher.ENCRYPT_MODE,
        key,
        new GCMParameterSpec(TAG_LENGTH * 8, nonce, nonceOff, NONCE_LENGTH));
    updateAad(gcm, aad, aadOff, aadLen, extraAad);
    // Per call, not per thread: 10,000 virtual threads would otherwise keep 640 MiB of scratch.
    byte[] scratch = new byte[Math.min(length, SLICE_LENGTH) + TAG_LENGTH];
    off = outOff;
    end = outOff + length;
    while (end - off > SLICE_LENGTH) {
      gcm.update(out, off, SLICE_LENGTH, scratch, 0);
      off += SLICE_LENGTH;
    }
    int last = gcm.doFinal(out, off, end - off, scratch, 0);
    boolean verified =
        MessageDigest.isEqual(
            Arrays.copyOfRange(scratch, last - TAG_LENGTH, last),
            Arrays.copyOfRange(in, inOff + length, inOff + inLen));
    Arrays.fill(scratch, (byte) 0);
    if (!verified || written != length) {
      Arrays.fill(out, outOff, outOff + length, (byte) 0);
      throw new AEADBadTagException("Tag mismatch");
    }
    return length;
  }

  /**
   * The faster provider for a message of {@code length} bytes on this JDK, as measured (the numbers
   * are below); the JDK's provider unless ACCP is available.
   */
  static GcmProvider choose(int length, boolean encrypt) {
    if (!ACCP_AVAILABLE) {
      return GcmProvider.JDK;
    }
    int from = encrypt ? ACCP_ENCRYPT_FROM : ACCP_DECRYPT_FROM;
    return length >= from ? GcmProvider.ACCP : GcmProvider.JDK;
  }

  private static final boolean ACCP_AVAILABLE = GcmProvider.ACCP.available();

  /*
   * Where ACCP 2.4.1 is faster than this class on SunJCE (one call up to 64 KiB, slices above;
   * decryption above 64 KiB in two sliced passes). Measured 2026-12-05 on a quiet 2-vCPU Xeon
   * (AES-NI, VAES, AVX-512; nothing else running on the machine): Envelope encrypt and
   * decrypt in JMH, benchmarks impl=strongroomJdk vs strongroomAccp, 1 fork, 2x1 s warm-up, 3x1 s
   * (benchmarks/README.md, "Provider choice"). ACCP / JDK throughput:
   *
   *   JDK 17      64 B  256 B  1 KiB  4 KiB  16 KiB  64 KiB  256 KiB  1 MiB
   *   encrypt     0.87  1.00   1.08   1.15   1.25    1.34    1.33     1.30
   *   decrypt     0.85  0.66   1.08   1.06   1.35    1.47    2.05     1.82
   *   JDK 25
   *   encrypt     0.77  0.92   0.97   0.90   1.01    1.06    1.05     1.03
   *   decrypt     0.71  0.53   0.85   0.82   1.04    1.05    1.67     1.54
   *
   * So: on JDK 17 both directions from 1 KiB; on JDK 25 decryption from 64 KiB (where SunJCE's
   * decryption turns into two sliced passes) and encryption stays on SunJCE (ACCP's lead of at
   * most 6% there is within this run's noise). An earlier run on a loaded machine (load 4 to 12)
   * had ACCP's encryption losing at 16 to 256 KiB; the quiet run does not repeat it. JDKs other than
   * 17 and 25 are not measured: SunJCE only. -Dstrongroom.crypto.provider fixes the provider.
   */
  private static final int FEATURE = Runtime.version().feature();
  private static final int ACCP_ENCRYPT_FROM = FEATURE == 17 ? 1024 : Integer.MAX_VALUE;
  private static final int ACCP_DECRYPT_FROM =
      FEATURE == 17 ? 1024 : FEATURE == 25 ? 64 * 1024 : Integer.MAX_VALUE;

  static GcmProvider fromProperty(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("auto")) {
      return null;
    }
    if (value.equalsIgnoreCase("jdk")) {
      return GcmProvider.JDK;
    }
    if (value.equalsIgnoreCase("accp")) {
      return GcmProvider.ACCP; // if unavailable, the first message fails saying why
    }
    throw new IllegalArgumentException(
        "expected " + PROVIDER_PROPERTY + " to be auto, jdk or accp but was " + value);
  }

  /** This thread's cipher, initialised for one message with its associated data. */
  private static Cipher init(
      GcmProvider provider,
      int mode,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    Cipher cipher =
        (provider == GcmProvider.JDK
                ? JDK_CIPHER
                : mode == Cipher.ENCRYPT_MODE ? ACCP_ENCRYPT_CIPHER : ACCP_DECRYPT_CIPHER)
            .get();
    cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce, nonceOff, NONCE_LENGTH));
    updateAad(cipher, aad, aadOff, aadLen, extraAad);
    return cipher;
  }

  private static void updateAad(
      Cipher cipher, byte[] aad, int aadOff, int aadLen, byte[] extraAad) {
    if (extraAad.length == 0) {
      cipher.updateAAD(aad, aadOff, aadLen);
      return;
    }
    // One updateAAD call: the JDK buffers associated data per call, so two calls cost more than
    // one copy of a few dozen bytes into this thread's scratch array.
    int length = aadLen + extraAad.length;
    byte[] scratch = AAD_SCRATCH.get();
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2 * scratch.length)];
      AAD_SCRATCH.set(scratch);
    }
    System.arraycopy(aad, aadOff, scratch, 0, aadLen);
    System.arraycopy(extraAad, 0, scratch, aadLen, extraAad.length);
    cipher.updateAAD(scratch, 0, length);
  }

  private static Cipher newCtrCipher() {
    try {
      return Cipher.getInstance("AES/CTR/NoPadding");
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("the JDK offers no AES/CTR/NoPadding", e);
    }
  }

  private static Cipher newCipher(GcmProvider provider) {
    try {
      java.security.Provider jca = provider.jcaProvider();
      return jca == null
          ? Cipher.getInstance("AES/GCM/NoPadding")
          : Cipher.getInstance("AES/GCM/NoPadding", jca);
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException(provider + " offers no AES/GCM/NoPadding", e);
    }
  }
}
