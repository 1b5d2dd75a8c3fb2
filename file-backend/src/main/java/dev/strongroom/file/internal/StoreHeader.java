package dev.strongroom.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.crypto.Random;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The store header {@code strongroom.json}: format, how the master key is obtained (Argon2id
 * parameters and salt, or "supplied"), and a verifier, an AES-256-GCM encryption of a fixed block
 * under the master key, that tells a wrong passphrase apart from a corrupt keyset before anything
 * is touched. Immutable and thread-safe.
 */
final class StoreHeader {
  /** Legacy stores: records carry no MAC and there is no manifest. */
  static final String FORMAT_V1 = "strongroom-file/1";

  /**
   * Stores whose records and manifest are authenticated (see {@link RecordAuth}). The format is the
   * verifier's associated data, so rewriting it to {@link #FORMAT_V1} makes the credentials fail
   * (no downgrade to unauthenticated records).
   */
  static final String FORMAT_V2 = "strongroom-file/2";

  static final String WRONG_CREDENTIALS = "wrong passphrase or master key";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] VERIFIER_PLAINTEXT =
      "strongroom master key verifier v1".getBytes(StandardCharsets.US_ASCII);

  private final String format;
  private final KdfParams kdf; // null: the master key is supplied, not derived
  private final byte[] salt;
  private final byte[] verifier;

  private StoreHeader(String format, KdfParams kdf, byte[] salt, byte[] verifier) {
    this.format = format;
    this.kdf = kdf;
    this.salt = salt;
    this.verifier = verifier;
  }

  /** A header for a new store, and the master key it verifies. */
  static StoreHeader create(Credentials credentials, KdfParams params, SecretValue[] masterOut) {
    KdfParams kdf = credentials.isPassphrase() ? params : null;
    byte[] salt = credentials.isPassphrase() ? Random.bytes(16) : new byte[0];
    SecretValue master = derive(credentials, kdf, salt);
    byte[] verifier = master.apply(k -> seal(k, FORMAT_V2));
    masterOut[0] = master;
    return new StoreHeader(FORMAT_V2, kdf, salt, verifier);
  }

  /** The master key {@code credentials} give, checked against the verifier. */
  SecretValue unlock(Credentials credentials) {
    if (credentials.isPassphrase() && kdf == null) {
      throw new AccessDeniedException(
          WRONG_CREDENTIALS + ": this store takes a master key (STRONGROOM_MASTER_KEY)");
    }
    SecretValue master = derive(credentials, kdf, salt);
    boolean ok = master.apply(this::opens);
    if (!ok) {
      master.wipe();
      throw new AccessDeniedException(WRONG_CREDENTIALS);
    }
    return master;
  }

  private static SecretValue derive(Credentials credentials, KdfParams kdf, byte[] salt) {
    if (!credentials.isPassphrase()) {
      return SecretValue.of(credentials.masterKeyValue().copyBytes());
    }
    char[] passphrase = credentials.passphraseChars();
    byte[] out = new byte[32];
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(
          new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
              .withVersion(Argon2Parameters.ARGON2_VERSION_13)
              .withSalt(salt)
              .withMemoryAsKB(kdf.memoryKiB())
              .withIterations(kdf.iterations())
              .withParallelism(kdf.parallelism())
              .build());
      generator.generateBytes(passphrase, out);
      return SecretValue.of(out);
    } finally {
      Arrays.fill(passphrase, '\0');
      Arrays.fill(out, (byte) 0);
    }
  }

  /** Whether records and the manifest are authenticated (format 2). */
  boolean authenticated() {
    return FORMAT_V2.equals(format);
  }

  private static byte[] seal(byte[] key, String format) {
    try {
      byte[] nonce = Random.bytes(12);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(format.getBytes(StandardCharsets.US_ASCII));
      byte[] body = cipher.doFinal(VERIFIER_PLAINTEXT);
      byte[] out = Arrays.copyOf(nonce, nonce.length + body.length);
      System.arraycopy(body, 0, out, nonce.length, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM unavailable", e);
    }
  }

  private boolean opens(byte[] key) {
    if (verifier.length < 12 + 16) {
      return false;
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(128, verifier, 0, 12));
      cipher.updateAAD(format.getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(verifier, 12, verifier.length - 12);
      return Arrays.equals(plain, VERIFIER_PLAINTEXT);
    } catch (javax.crypto.AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM unavailable", e);
    }
  }

  /** Whether the master key is derived from a passphrase. */
  boolean usesPassphrase() {
    return kdf != null;
  }

  KdfParams kdf() {
    return kdf;
  }

  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", format);
    ObjectNode k = root.putObject("kdf");
    if (kdf == null) {
      k.put("algorithm", "none");
    } else {
      k.put("algorithm", "argon2id");
      k.put("version", 19);
      k.put("memoryKiB", kdf.memoryKiB());
      k.put("iterations", kdf.iterations());
      k.put("parallelism", kdf.parallelism());
      k.put("salt", Base64.getEncoder().encodeToString(salt));
    }
    root.put("verifier", Base64.getEncoder().encodeToString(verifier));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode header", e);
    }
  }

  static StoreHeader parse(Path file, byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      String format = root == null ? null : root.path("format").asText();
      if (!FORMAT_V1.equals(format) && !FORMAT_V2.equals(format)) {
        throw corrupt(file, null);
      }
      JsonNode k = root.path("kdf");
      byte[] verifier = Base64.getDecoder().decode(root.path("verifier").asText());
      String algorithm = k.path("algorithm").asText();
      if ("none".equals(algorithm)) {
        return new StoreHeader(format, null, new byte[0], verifier);
      }
      if (!"argon2id".equals(algorithm) || k.path("version").asInt() != 19) {
        throw corrupt(file, null);
      }
      if (!k.path("memoryKiB").isInt()
          || !k.path("iterations").isInt()
          || !k.path("parallelism").isInt()) {
        throw new StrongroomException(
            "store header " + file + " has Argon2id parameters that are not 32-bit integers");
      }
      KdfParams params;
      try {
        params =
            new KdfParams(
                k.path("memoryKiB").intValue(),
                k.path("iterations").intValue(),
                k.path("parallelism").intValue());
      } catch (IllegalArgumentException e) {
        throw new StrongroomException(
            "store header " + file + " has Argon2id parameters out of bounds: " + e.getMessage());
      }
      long heap = Runtime.getRuntime().maxMemory();
      if (params.memoryKiB() * 1024L > heap / 2) {
        throw new StrongroomException(
            "store header "
                + file
                + " asks for "
                + params.memoryKiB()
                + " KiB of Argon2id memory, more than half this JVM's heap ("
                + heap / 1024
                + " KiB)");
      }
      byte[] salt = Base64.getDecoder().decode(k.path("salt").asText());
      if (salt.length < 16) {
        throw corrupt(file, null);
      }
      return new StoreHeader(format, params, salt, verifier);
    } catch (IOException | IllegalArgumentException e) {
      // the parser's message may quote the file's text: keep only its class
      throw corrupt(file, new StrongroomException(e.getClass().getSimpleName()));
    }
  }

  private static StrongroomException corrupt(Path file, Exception cause) {
    return new StrongroomException("corrupt store header " + file, cause);
  }
}
