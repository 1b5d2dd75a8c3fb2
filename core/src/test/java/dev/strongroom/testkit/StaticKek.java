package dev.strongroom.testkit;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic key service for known-answer vectors: one AES-256-GCM key given as hex; a wrapped
 * key is {@code nonce(12) || ciphertext || tag(16)} with the request's AAD, the nonce being 4 zero
 * bytes and a big-endian 64-bit counter starting at a given value. {@link #generate} returns a
 * fixed data key when one is given. Thread-safe. Never use outside tests.
 */
public final class StaticKek implements KeyEncryptionService {
  private final String ref;
  private final byte[] key;
  private final byte[] fixedDataKey;
  private final AtomicLong nonceCounter;

  private StaticKek(String ref, byte[] key, byte[] fixedDataKey, long firstNonce) {
    if (key.length != 32) {
      throw new IllegalArgumentException("expected a 32-byte key but was " + key.length);
    }
    this.ref = ref;
    this.key = key;
    this.fixedDataKey = fixedDataKey;
    this.nonceCounter = new AtomicLong(firstNonce);
  }

  /** A service whose every key name refers to the same {@code keyHex} key under {@code ref}. */
  public static StaticKek of(String ref, String keyHex, long firstNonce) {
    return new StaticKek(ref, HexFormat.of().parseHex(keyHex), null, firstNonce);
  }

  /** As {@link #of}, and {@link #generate} always returns the data key {@code dekHex}. */
  public static StaticKek generating(String ref, String keyHex, String dekHex, long firstNonce) {
    return new StaticKek(
        ref, HexFormat.of().parseHex(keyHex), HexFormat.of().parseHex(dekHex), firstNonce);
  }

  @Override
  public String keyRef(String keyName) {
    return ref;
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    byte[] nonce = new byte[12];
    long n = nonceCounter.getAndIncrement();
    for (int i = 11; i >= 4; i--) {
      nonce[i] = (byte) n;
      n >>>= 8;
    }
    byte[] dek = request.dataKey().copyBytes();
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(request.aad());
      byte[] sealed = cipher.doFinal(dek);
      byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
      System.arraycopy(sealed, 0, out, 12, sealed.length);
      return new WrappedKey(out, 1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("wrap failed", e);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    byte[] wrapped = request.wrapped();
    if (wrapped.length < 12 + 16) {
      throw new InvalidCiphertextException();
    }
    byte[] dek = null;
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(wrapped, 12));
      cipher.updateAAD(request.aad());
      dek = cipher.doFinal(wrapped, 12, wrapped.length - 12);
      return SecretValue.of(dek);
    } catch (GeneralSecurityException e) {
      throw new InvalidCiphertextException(e);
    } finally {
      if (dek != null) {
        Arrays.fill(dek, (byte) 0);
      }
    }
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    try (SecretValue dek = unwrap(request)) {
      return wrap(new WrapRequest(request.keyName(), dek, request.aad()));
    }
  }

  @Override
  public GeneratedKey generate(WrapRequest.Generate request) {
    if (fixedDataKey == null) {
      return KeyEncryptionService.super.generate(request);
    }
    SecretValue dataKey = SecretValue.of(fixedDataKey);
    return new GeneratedKey(
        dataKey, wrap(new WrapRequest(request.keyName(), dataKey, request.aad())));
  }

  @Override
  public KeyInfo createKey(String keyName) {
    return describe(keyName);
  }

  @Override
  public KeyInfo rotate(String keyName) {
    throw new UnsupportedOperationException("a static key does not rotate");
  }

  @Override
  public KeyInfo describe(String keyName) {
    return new KeyInfo(keyName, List.of(1), 1, 1);
  }

  @Override
  public KeyInfo setMinDecryptionVersion(String keyName, int version) {
    throw new UnsupportedOperationException("a static key has one version");
  }

  @Override
  public void destroyKey(String keyName) {
    throw new UnsupportedOperationException("a static key cannot be destroyed");
  }

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    return cipher;
  }

  @Override
  public String toString() {
    return "StaticKek[" + ref + "]";
  }
}
