package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.internal.envelope.DataKeyMaterial;
import dev.strongroom.testkit.StaticKek;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our known-answer vectors for envelope format v1 (vectors/envelope_v1.json, written by {@link
 * FormatVectorGenerator}). Valid cases are checked twice: field by field with the JDK's own HMAC
 * and AES-GCM, following docs/FORMAT.md rather than our code, and through the public {@link
 * Envelope}. Invalid cases must fail with {@link InvalidCiphertextException} and nothing else.
 */
class EnvelopeFormatVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final JsonNode ROOT = load();

  private static JsonNode load() {
    try (InputStream in =
        EnvelopeFormatVectorsTest.class.getResourceAsStream("/vectors/envelope_v1.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Named<JsonNode>> valid() {
    return cases("valid");
  }

  static Stream<Named<JsonNode>> invalid() {
    return cases("invalid");
  }

  private static Stream<Named<JsonNode>> cases(String result) {
    List<Named<JsonNode>> out = new ArrayList<>();
    ROOT.get("cases")
        .forEach(
            c -> {
              if (c.get("result").asText().equals(result)) {
                out.add(Named.of(c.get("name").asText(), c));
              }
            });
    return out.stream();
  }

  @Test
  void vectorFile_coversEveryCaseKind() {
    assertTrue(valid().count() >= 8);
    assertTrue(invalid().count() >= 10);
    assertEquals("strongroom dek v1", new String(hex(ROOT, "wrapAadHex"), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void derivations_equalRecordedValuesAndIndependentHkdf(JsonNode c) throws Exception {
    byte[] dek = hex(c, "dekHex");
    byte[][] derived = DataKeyMaterial.derive(dek);

    assertArrayEquals(hex(c, "aeadKeyHex"), derived[0]);
    assertArrayEquals(hex(c, "streamKeyHex"), derived[1]);
    assertArrayEquals(hex(c, "commitmentHex"), derived[2]);
    assertArrayEquals(hex(c, "aeadKeyHex"), hkdfSha256(dek, "strongroom v1 aead key"));
    assertArrayEquals(hex(c, "streamKeyHex"), hkdfSha256(dek, "strongroom v1 stream key"));
    assertArrayEquals(hex(c, "commitmentHex"), hkdfSha256(dek, "strongroom v1 key commitment"));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void contextEncoding_equalsRecordedAndIndependentEncoding(JsonNode c) {
    byte[] canonical = context(c).canonicalBytes();

    assertArrayEquals(hex(c, "contextCanonicalHex"), canonical);
    assertArrayEquals(independentCanonical(c.get("context")), canonical);
  }

  @ParameterizedTest
  @MethodSource("valid")
  void header_matchesTheDocumentedLayout(JsonNode c) throws Exception {
    byte[] ct = hex(c, "ciphertextHex");
    int suite = c.get("suite").asText().equals("stream") ? 2 : 1;

    assertEquals(1, ct[0]);
    assertEquals(suite, ct[1]);
    assertArrayEquals(hex(c, "commitmentHex"), Arrays.copyOfRange(ct, 2, 34));
    assertEquals(c.get("keks").size(), ct[34]);
    int pos = 35;
    for (JsonNode kek : c.get("keks")) {
      byte[] ref = kek.get("ref").asText().getBytes(StandardCharsets.UTF_8);
      assertEquals(ref.length, ct[pos] & 0xff);
      assertArrayEquals(ref, Arrays.copyOfRange(ct, pos + 1, pos + 1 + ref.length));
      pos += 1 + ref.length;
      int wrappedLength = ((ct[pos] & 0xff) << 8) | (ct[pos + 1] & 0xff);
      byte[] wrapped = Arrays.copyOfRange(ct, pos + 2, pos + 2 + wrappedLength);
      pos += 2 + wrappedLength;
      byte[] dek = aesGcmOpen(hex(kek, "keyHex"), wrapped, 12, hex(ROOT, "wrapAadHex"));
      assertArrayEquals(hex(c, "dekHex"), dek, "the wrapped DEK opens under the KEK");
    }
    assertEquals(c.get("headerLength").asInt(), pos);
  }

  @ParameterizedTest
  @MethodSource("valid")
  void singleShotBody_opensWithJdkAesGcmAsDocumented(JsonNode c) throws Exception {
    if (!c.get("suite").asText().equals("single")) {
      return;
    }
    byte[] ct = hex(c, "ciphertextHex");
    int h = c.get("headerLength").asInt();
    byte[] aad = concat(Arrays.copyOf(ct, 34), hex(c, "contextCanonicalHex"));
    byte[] body = Arrays.copyOfRange(ct, h, ct.length);

    byte[] plaintext = aesGcmOpen(hex(c, "aeadKeyHex"), body, 12, aad);

    assertPlaintext(c, plaintext);
    assertArrayEquals(new byte[4], Arrays.copyOf(body, 4), "the nonce starts with 4 zero bytes");
    long counter = c.get("name").asText().contains("nonce-2") ? 2 : 1;
    assertEquals(counter, java.nio.ByteBuffer.wrap(body, 4, 8).getLong());
  }

  @ParameterizedTest
  @MethodSource("valid")
  void validCiphertext_decryptsThroughPublicEnvelope(JsonNode c) throws Exception {
    byte[] ct = hex(c, "ciphertextHex");
    EncryptionContext context = context(c);
    for (Envelope reader : readers(c)) {
      assertPlaintext(c, reader.decrypt(ct, context));
      if (c.get("suite").asText().equals("stream")) {
        assertPlaintext(
            c, reader.decryptingStream(new ByteArrayInputStream(ct), context).readAllBytes());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidCiphertext_failsWithInvalidCiphertextOnly(JsonNode c) {
    byte[] ct = hex(c, "ciphertextHex");
    EncryptionContext context = context(c);
    for (Envelope reader : readers(c)) {
      assertInvalid(() -> reader.decrypt(ct, context));
      assertInvalid(
          () -> {
            try (InputStream in = reader.decryptingStream(new ByteArrayInputStream(ct), context)) {
              in.transferTo(new ByteArrayOutputStream());
            }
          });
    }
  }

  /** One reader holding every KEK of the case, and one per KEK alone. */
  private static List<Envelope> readers(JsonNode c) {
    List<Kek> keks = new ArrayList<>();
    c.get("keks")
        .forEach(
            k ->
                keks.add(
                    Kek.of(StaticKek.of(k.get("ref").asText(), k.get("keyHex").asText(), 1), "k")));
    List<Envelope> readers = new ArrayList<>();
    Envelope.Builder all = Envelope.builder();
    keks.forEach(all::kek);
    readers.add(all.build());
    if (keks.size() > 1) {
      keks.forEach(k -> readers.add(Envelope.of(k)));
    }
    return readers;
  }

  private static void assertPlaintext(JsonNode c, byte[] plaintext) {
    assertEquals(c.get("plaintextLength").asInt(), plaintext.length);
    assertArrayEquals(hex(c, "plaintextSha256"), FormatVectorGenerator.sha256(plaintext));
    if (c.has("plaintextHex")) {
      assertArrayEquals(hex(c, "plaintextHex"), plaintext);
    }
  }

  private static void assertInvalid(ThrowingRunnable action) {
    Throwable thrown = null;
    try {
      action.run();
    } catch (Throwable t) {
      thrown = t;
    }
    assertNotNull(thrown, "expected InvalidCiphertextException but it decrypted");
    Throwable failure = thrown;
    assertSame(InvalidCiphertextException.class, failure.getClass(), () -> "was " + failure);
    assertEquals(InvalidCiphertextException.MESSAGE, thrown.getMessage());
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Throwable;
  }

  private static EncryptionContext context(JsonNode c) {
    Map<String, String> pairs = new TreeMap<>();
    c.get("context").properties().forEach(e -> pairs.put(e.getKey(), e.getValue().asText()));
    return EncryptionContext.of(pairs);
  }

  /** u16 count, then per pair sorted by key: u16 length, key, u16 length, value (UTF-8). */
  private static byte[] independentCanonical(JsonNode pairs) {
    TreeMap<String, String> sorted = new TreeMap<>();
    pairs.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u16(out, sorted.size());
    sorted.forEach(
        (k, v) -> {
          for (String field : new String[] {k, v}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            u16(out, bytes.length);
            out.writeBytes(bytes);
          }
        });
    return out.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }

  /** RFC 5869 HKDF-SHA-256 with an empty salt (HashLen zero bytes), one 32-byte output block. */
  private static byte[] hkdfSha256(byte[] ikm, String info) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info.getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(new byte[] {1});
  }

  /** Opens {@code nonce(nonceLength) || ciphertext || tag} with the JDK's AES-GCM. */
  private static byte[] aesGcmOpen(byte[] key, byte[] sealed, int nonceLength, byte[] aad)
      throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, sealed, 0, nonceLength));
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, nonceLength, sealed.length - nonceLength);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hex(JsonNode node, String field) {
    return HEX.parseHex(node.get(field).asText());
  }
}
