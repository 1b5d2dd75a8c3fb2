package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.InflaterInputStream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Applies the Wycheproof Cobblestone-256 vectors as doc/c2sp_chunked_encryption.md describes:
 * decryption, streaming decryption of partial plaintext, raw mode, and encryption rules 1 and 2.
 * Ciphertexts are inflated while they are read, so no multi-MiB vector is held in memory.
 */
class CobblestoneWycheproofTest {
  private static final String FILE = "c2sp_chunked_encryption_aes_256_gcm_test.json";
  private static final HexFormat HEX = HexFormat.of();
  private static final int READ_SIZE = 5000; // not a divisor of the chunk size

  /** One test vector; {@code aeadKey}, {@code baseNonce}, {@code msg*} may be absent (null). */
  record Vector(
      int tcId,
      String comment,
      byte[] key,
      byte[] ctx,
      String compressedCt,
      byte[] aeadKey,
      byte[] baseNonce,
      Long msgLength,
      byte[] msgSha512,
      boolean valid,
      Set<String> flags) {

    boolean has(String flag) {
      return flags.contains(flag);
    }

    /** The ciphertext, inflated as it is read. */
    InputStream ct() {
      return new InflaterInputStream(new ByteArrayInputStream(HEX.parseHex(compressedCt)));
    }

    /** The ciphertext without its 56-byte header, for raw mode. */
    InputStream rawCt() throws IOException {
      InputStream in = ct();
      in.skipNBytes(Cobblestone.HEADER_LENGTH);
      return in;
    }

    @Override
    public String toString() {
      return "tcId " + tcId + " " + comment + " " + flags;
    }
  }

  static Stream<Vector> vectors() {
    JsonNode file = WycheproofVectors.read(FILE);
    return StreamSupport.stream(file.get("testGroups").spliterator(), false)
        .peek(g -> assertEquals("AEAD_AES_256_GCM", g.get("aead").asText()))
        .peek(g -> assertEquals("SHA-512", g.get("sha").asText()))
        .flatMap(g -> StreamSupport.stream(g.get("tests").spliterator(), false))
        .map(CobblestoneWycheproofTest::vector);
  }

  static Stream<Vector> validVectors() {
    return vectors().filter(Vector::valid);
  }

  static Stream<Vector> rawModeVectors() {
    return vectors().filter(v -> !v.has("HeaderFailure"));
  }

  @Test
  void vectorFile_parsed_holdsDeclaredNumberOfCobblestone256Tests() {
    JsonNode file = WycheproofVectors.read(FILE);
    assertEquals("Cobblestone-256", file.get("algorithm").asText());
    long count = vectors().count();
    assertTrue(count > 0);
    assertEquals(file.get("numberOfTests").asLong(), count);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decryptingStream_vector_matchesExpectedResult(Vector v) throws IOException {
    if (v.has("InvalidKeySize")) {
      assertThrows(
          IllegalArgumentException.class, () -> Cobblestone.decryptingStream(v.ct(), v.key, v.ctx));
      assertThrows(
          IllegalArgumentException.class,
          () -> Cobblestone.encryptingStream(OutputStream.nullOutputStream(), v.key, v.ctx));
      return;
    }
    try (InputStream in = Cobblestone.decryptingStream(v.ct(), v.key, v.ctx)) {
      assertMatches(v, Drained.from(in, false, READ_SIZE));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawModeVectors")
  void rawDecryptingStream_vectorWithoutHeaderFailure_matchesExpectedResult(Vector v)
      throws IOException {
    try (InputStream in = Cobblestone.rawDecryptingStream(v.rawCt(), v.aeadKey, v.baseNonce)) {
      assertMatches(v, Drained.from(in, false, READ_SIZE));
    }
  }

  /** Encryption rule 1: raw mode re-encryption reproduces the ciphertext after the header. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("validVectors")
  void rawEncryptingStream_validVectorMessage_reproducesCiphertextWithoutHeader(Vector v)
      throws IOException {
    forgetLastGcmEncryption();
    try (InputStream expected = v.rawCt();
        InputStream message = Cobblestone.decryptingStream(v.ct(), v.key, v.ctx)) {
      ComparingOutputStream sink = new ComparingOutputStream(expected);
      try (OutputStream out = Cobblestone.rawEncryptingStream(sink, v.aeadKey, v.baseNonce)) {
        message.transferTo(out);
      }
      sink.assertMatchedAll();
    }
  }

  /** Encryption rule 2: re-encryption with the vector's salt reproduces the whole ciphertext. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("validVectors")
  void encryptingStream_validVectorMessageAndSalt_reproducesCiphertext(Vector v)
      throws IOException {
    forgetLastGcmEncryption();
    byte[] salt;
    try (InputStream ct = v.ct()) {
      salt = ct.readNBytes(Cobblestone.SALT_LENGTH);
    }
    try (InputStream expected = v.ct();
        InputStream message = Cobblestone.decryptingStream(v.ct(), v.key, v.ctx)) {
      ComparingOutputStream sink = new ComparingOutputStream(expected);
      try (OutputStream out = Cobblestone.encryptingStream(sink, v.key, v.ctx, salt)) {
        message.transferTo(out);
      }
      sink.assertMatchedAll();
    }
  }

  private static void assertMatches(Vector v, Drained drained) {
    if (v.valid) {
      assertNull(drained.failure, "decryption of a valid vector failed");
      assertEquals(v.msgLength, drained.length, "message length");
      assertArrayEquals(v.msgSha512, drained.sha512, "message SHA-512");
      return;
    }
    assertNotNull(drained.failure, "decryption of an invalid vector succeeded");
    if (v.has("PartialPlaintext")) {
      // The spec allows any part of the valid prefix; ours releases each chunk once verified,
      // so it releases exactly the prefix.
      assertTrue(drained.length <= v.msgLength, "released beyond the valid prefix");
      assertEquals(v.msgLength, drained.length, "released prefix length");
      assertArrayEquals(v.msgSha512, drained.sha512, "released prefix SHA-512");
    } else {
      assertEquals(0, drained.length, "released bytes of a vector with no valid prefix");
    }
  }

  /**
   * The JDK's GCM refuses to encrypt twice in a row under the same key and nonce on one Cipher,
   * which the rule 1 and rule 2 tests legitimately do for one-chunk messages; an unrelated
   * encryption in between resets that check on this thread's cipher.
   */
  private static void forgetLastGcmEncryption() {
    byte[] key = new byte[AesGcm.KEY_LENGTH];
    new SecureRandom().nextBytes(key);
    byte[] out = new byte[AesGcm.TAG_LENGTH];
    byte[] none = new byte[0];
    AesGcm.encrypt(
        new SecretKeySpec(key, "AES"), new byte[12], 0, none, 0, 0, none, none, 0, 0, out, 0);
  }

  private static Vector vector(JsonNode t) {
    Set<String> flags = new HashSet<>();
    t.get("flags").forEach(f -> flags.add(f.asText()));
    return new Vector(
        t.get("tcId").asInt(),
        t.get("comment").asText(),
        hex(t, "key"),
        hex(t, "ctx"),
        t.get("ct").asText(),
        hex(t, "aeadKey"),
        hex(t, "baseNonce"),
        t.has("msgLength") ? t.get("msgLength").asLong() : null,
        hex(t, "msgSha512"),
        switch (t.get("result").asText()) {
          case "valid" -> true;
          case "invalid" -> false;
          default -> throw new AssertionError("unexpected result in tcId " + t.get("tcId"));
        },
        Set.copyOf(flags));
  }

  private static byte[] hex(JsonNode test, String field) {
    return test.has(field) ? HEX.parseHex(test.get(field).asText()) : null;
  }

  /** Compares everything written to it with the bytes of {@code expected}, in order. */
  private static final class ComparingOutputStream extends OutputStream {
    private final InputStream expected;
    private long offset;

    ComparingOutputStream(InputStream expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      byte[] want = expected.readNBytes(len);
      assertEquals(len, want.length, "ciphertext longer than the vector at offset " + offset);
      for (int i = 0; i < len; i++) {
        if (want[i] != b[off + i]) {
          throw new AssertionError("ciphertext differs from the vector at offset " + (offset + i));
        }
      }
      offset += len;
    }

    void assertMatchedAll() throws IOException {
      assertEquals(-1, expected.read(), "ciphertext shorter than the vector: " + offset + " bytes");
    }
  }
}
