package dev.strongroom.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoMaterialsManager;
import com.amazonaws.encryptionsdk.DefaultCryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.CachingCryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.LocalCryptoMaterialsCache;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.GcmProvider;
import dev.strongroom.kek.LocalKeyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The implementations the benchmarks compare, by the names of the {@code impl} parameter. Each
 * {@link #create} builds the shared, thread-safe part once per trial (keys, an {@link Envelope}, a
 * Tink primitive, an ESDK materials manager); {@link Supplier#get()} then gives each benchmark
 * thread its own {@link Codec}, so that raw JCA and Bouncy Castle keep one cipher per thread. Every
 * implementation binds the same small context (as associated data or encryption context).
 */
final class Impls {
  /** Every value of the {@code impl} parameter, ours first. */
  static final String[] ALL = {
    "strongroom",
    "strongroomJdk",
    "strongroomAccp",
    "jcaReused",
    "jcaSliced",
    "accpRaw",
    "jcaNewCipher",
    "tinkAead",
    "tinkEnvelope",
    "esdkCached",
    "esdkCachedSigning",
    "esdkUncached",
    "bouncyCastle",
    "tinkAeadAccp",
    "esdkCachedAccp"
  };

  static final Map<String, String> CONTEXT_MAP = Map.of("purpose", "benchmark");
  static final byte[] CONTEXT_BYTES = "purpose=benchmark".getBytes(StandardCharsets.UTF_8);
  static final EncryptionContext CONTEXT = EncryptionContext.of(CONTEXT_MAP);

  private static final int NONCE = 12;
  private static final int TAG = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Impls() {}

  /** The shared state of implementation {@code impl}; its supplier makes one codec per thread. */
  static Supplier<Codec> create(String impl) throws GeneralSecurityException {
    switch (impl) {
      case "strongroom":
        AesGcm.prefer(null); // the measured per-size choice
        return strongroom();
      case "strongroomJdk":
        AesGcm.prefer(GcmProvider.JDK);
        return strongroom();
      case "strongroomAccp":
        AesGcm.prefer(GcmProvider.ACCP);
        return strongroom();
      case "jcaReused":
        SecretKey key = aesKey();
        return () -> new JcaReused(key);
      case "jcaSliced":
        SecretKey key3 = aesKey();
        return () -> new JcaSliced(key3);
      case "accpRaw":
        SecretKey key4 = aesKey();
        return () -> new AccpRaw(key4);
      case "tinkAeadAccp":
        installAccp();
        return shared(tinkAead());
      case "esdkCachedAccp":
        installAccp();
        return esdk(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY, true);
      case "jcaNewCipher":
        SecretKey key2 = aesKey();
        return () -> new JcaNewCipher(key2);
      case "tinkAead":
        return shared(tinkAead());
      case "tinkEnvelope":
        return shared(tinkEnvelope());
      case "esdkCached":
        return esdk(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY, true);
      case "esdkCachedSigning":
        return esdk(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, true);
      case "esdkUncached":
        return esdk(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY, false);
      case "bouncyCastle":
        byte[] raw = randomBytes(32);
        return () -> new BouncyCastle(raw);
      default:
        throw new IllegalArgumentException(
            "expected one of " + Arrays.toString(ALL) + " but was " + impl);
    }
  }

  /**
   * Makes ACCP the JVM's most preferred provider, so that peers that ask the JCA by name (Tink, the
   * ESDK) run on it. JMH forks a JVM per trial, so this affects only the trial that asks.
   */
  private static void installAccp() {
    AmazonCorrettoCryptoProvider.install();
    AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
  }

  static byte[] randomBytes(int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    return out;
  }

  static SecretKey aesKey() {
    return new SecretKeySpec(randomBytes(32), "AES");
  }

  /** Strongroom's envelope over an in-memory Tink keyring, default cache policy. */
  static Envelope envelope() {
    return envelopePair()[0];
  }

  /** Two independent envelopes (separate caches and counters) over the same KEK. */
  static Envelope[] envelopePair() {
    LocalKeyring keyring = LocalKeyring.inMemory();
    keyring.createKey("benchmark");
    Kek kek = Kek.of(keyring, "benchmark");
    return new Envelope[] {Envelope.of(kek), Envelope.of(kek)};
  }

  private static Supplier<Codec> strongroom() {
    Envelope envelope = envelope();
    Codec codec =
        new Codec() {
          @Override
          public byte[] encrypt(byte[] plaintext) {
            return envelope.encrypt(plaintext, CONTEXT);
          }

          @Override
          public byte[] decrypt(byte[] ciphertext) {
            return envelope.decrypt(ciphertext, CONTEXT);
          }
        };
    return () -> codec;
  }

  private static Supplier<Codec> shared(Aead aead) {
    Codec codec =
        new Codec() {
          @Override
          public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
            return aead.encrypt(plaintext, CONTEXT_BYTES);
          }

          @Override
          public byte[] decrypt(byte[] ciphertext) throws GeneralSecurityException {
            return aead.decrypt(ciphertext, CONTEXT_BYTES);
          }
        };
    return () -> codec;
  }

  private static Aead tinkAead() throws GeneralSecurityException {
    return KeysetHandle.newBuilder()
        .addEntry(
            KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                .withRandomId()
                .makePrimary())
        .build()
        .getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  /**
   * Tink's envelope: a fresh DEK per message, wrapped by a local Tink AEAD standing in for a KMS.
   */
  private static Aead tinkEnvelope() throws GeneralSecurityException {
    AesGcmParameters dek =
        AesGcmParameters.builder()
            .setKeySizeBytes(32)
            .setIvSizeBytes(12)
            .setTagSizeBytes(16)
            .setVariant(AesGcmParameters.Variant.NO_PREFIX)
            .build();
    return KmsEnvelopeAead.create(dek, tinkAead());
  }

  private static Supplier<Codec> esdk(CryptoAlgorithm suite, boolean cached) {
    AwsCrypto crypto =
        AwsCrypto.builder()
            .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
            .withEncryptionAlgorithm(suite)
            .build();
    JceMasterKey masterKey =
        JceMasterKey.getInstance(aesKey(), "strongroom-benchmark", "kek", "AES/GCM/NoPadding");
    CryptoMaterialsManager cmm =
        cached
            ? CachingCryptoMaterialsManager.newBuilder()
                .withMasterKeyProvider(masterKey)
                .withCache(new LocalCryptoMaterialsCache(1000))
                .withMaxAge(5, TimeUnit.MINUTES)
                .withMessageUseLimit(1L << 32)
                .build()
            : new DefaultCryptoMaterialsManager(masterKey);
    Codec codec =
        new Codec() {
          @Override
          public byte[] encrypt(byte[] plaintext) {
            return crypto.encryptData(cmm, plaintext, CONTEXT_MAP).getResult();
          }

          @Override
          public byte[] decrypt(byte[] ciphertext) {
            return crypto.decryptData(cmm, ciphertext).getResult();
          }
        };
    return () -> codec;
  }

  /**
   * Raw JCA AES-256-GCM with one {@link Cipher} per thread, re-initialised per message with a
   * counter nonce (the JDK refuses to encrypt twice under the same key and IV): the ceiling.
   * Ciphertext: nonce || body || tag.
   */
  private static class JcaReused implements Codec {
    private final SecretKey key;
    private final byte[] nonce = randomBytes(NONCE);
    private long counter;
    private Cipher cipher;

    JcaReused(SecretKey key) {
      this.key = key;
    }

    Cipher cipher() throws GeneralSecurityException {
      if (cipher == null) {
        cipher = newCipher();
      }
      return cipher;
    }

    Cipher newCipher() throws GeneralSecurityException {
      return Cipher.getInstance("AES/GCM/NoPadding");
    }

    /** Runs the initialised cipher over the message: one {@code doFinal}. */
    int process(Cipher c, byte[] in, int inOff, int inLen, byte[] out, int outOff)
        throws GeneralSecurityException {
      return c.doFinal(in, inOff, inLen, out, outOff);
    }

    @Override
    public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
      long n = ++counter;
      for (int i = 0; i < 8; i++) {
        nonce[NONCE - 1 - i] = (byte) (n >>> (8 * i));
      }
      byte[] out = new byte[NONCE + plaintext.length + TAG];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      Cipher c = cipher();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, out, 0, NONCE));
      c.updateAAD(CONTEXT_BYTES);
      process(c, plaintext, 0, plaintext.length, out, NONCE);
      return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext) throws GeneralSecurityException {
      byte[] out = new byte[ciphertext.length - NONCE - TAG];
      Cipher c = cipher();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, ciphertext, 0, NONCE));
      c.updateAAD(CONTEXT_BYTES);
      process(c, ciphertext, NONCE, ciphertext.length - NONCE, out, 0);
      return out;
    }
  }

  /**
   * Raw SunJCE fed in {@link #SLICE} slices: {@code update} calls and a last {@code doFinal}, the
   * same bytes as one call. Decryption slices too (SunJCE buffers decryption updates until {@code
   * doFinal}, so this measures what slicing does there).
   */
  private static final class JcaSliced extends JcaReused {
    static final int SLICE = 64 * 1024;

    JcaSliced(SecretKey key) {
      super(key);
    }

    @Override
    int process(Cipher c, byte[] in, int inOff, int inLen, byte[] out, int outOff)
        throws GeneralSecurityException {
      int written = 0;
      int off = inOff;
      int end = inOff + inLen;
      while (end - off > SLICE) {
        written += c.update(in, off, SLICE, out, outOff + written);
        off += SLICE;
      }
      return written + c.doFinal(in, off, end - off, out, outOff + written);
    }
  }

  /** Raw Amazon Corretto Crypto Provider (AWS-LC), one reused {@link Cipher} per thread. */
  private static final class AccpRaw extends JcaReused {
    AccpRaw(SecretKey key) {
      super(key);
    }

    @Override
    Cipher newCipher() throws GeneralSecurityException {
      return Cipher.getInstance("AES/GCM/NoPadding", AmazonCorrettoCryptoProvider.INSTANCE);
    }
  }

  /** Raw JCA with {@code Cipher.getInstance} on every message: what naive code does. */
  private static final class JcaNewCipher extends JcaReused {
    JcaNewCipher(SecretKey key) {
      super(key);
    }

    @Override
    Cipher cipher() throws GeneralSecurityException {
      return Cipher.getInstance("AES/GCM/NoPadding");
    }
  }

  /** Bouncy Castle's pure-Java {@link GCMBlockCipher}, one per thread, random nonce. */
  private static final class BouncyCastle implements Codec {
    private final KeyParameter key;
    private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());

    BouncyCastle(byte[] key) {
      this.key = new KeyParameter(key);
    }

    @Override
    public byte[] encrypt(byte[] plaintext) throws Exception {
      byte[] nonce = randomBytes(NONCE);
      gcm.init(true, new AEADParameters(key, TAG * 8, nonce, CONTEXT_BYTES));
      byte[] out = new byte[NONCE + gcm.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      int n = gcm.processBytes(plaintext, 0, plaintext.length, out, NONCE);
      gcm.doFinal(out, NONCE + n);
      return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext) throws Exception {
      byte[] nonce = Arrays.copyOf(ciphertext, NONCE);
      gcm.init(false, new AEADParameters(key, TAG * 8, nonce, CONTEXT_BYTES));
      byte[] out = new byte[gcm.getOutputSize(ciphertext.length - NONCE)];
      int n = gcm.processBytes(ciphertext, NONCE, ciphertext.length - NONCE, out, 0);
      gcm.doFinal(out, n);
      return out;
    }
  }
}
