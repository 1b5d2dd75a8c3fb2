package dev.strongroom.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag on the JDK's intrinsic implementation, with one
 * {@link Cipher} per thread that is re-initialised for every message ({@code Cipher.getInstance}
 * costs about 2 µs on JDK 17, more than a whole 1 KiB message).
 *
 * <p>Thread-safe: each thread uses its own {@code Cipher}. Callers guarantee nonce uniqueness.
 */
public final class AesGcm {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(AesGcm::newCipher);
  private static final ThreadLocal<byte[]> AAD_SCRATCH =
      ThreadLocal.withInitial(() -> new byte[256]);

  private AesGcm() {}

  /**
   * Encrypts {@code in[inOff, inOff+inLen)} into {@code out} at {@code outOff}, writing {@code
   * inLen + TAG_LENGTH} bytes. {@code aad[aadOff, aadOff+aadLen)} and then {@code extraAad} (may be
   * empty) are authenticated.
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
    try {
      return init(Cipher.ENCRYPT_MODE, key, nonce, nonceOff, aad, aadOff, aadLen, extraAad)
          .doFinal(in, inOff, inLen, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed unexpectedly", e);
    }
  }

  /**
   * Decrypts and verifies {@code in[inOff, inOff+inLen)} (ciphertext followed by the tag) into
   * {@code out} at {@code outOff}. Nothing is written to {@code out} unless the tag verifies.
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
    if (inLen < TAG_LENGTH) {
      throw new AEADBadTagException("too short");
    }
    try {
      return init(Cipher.DECRYPT_MODE, key, nonce, nonceOff, aad, aadOff, aadLen, extraAad)
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

  /** This thread's cipher, initialised for one message with its associated data. */
  private static Cipher init(
      int mode,
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] extraAad)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    Cipher cipher = CIPHER.get();
    cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce, nonceOff, NONCE_LENGTH));
    if (extraAad.length == 0) {
      cipher.updateAAD(aad, aadOff, aadLen);
      return cipher;
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
    return cipher;
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("the JDK offers no AES/GCM/NoPadding", e);
    }
  }
}
