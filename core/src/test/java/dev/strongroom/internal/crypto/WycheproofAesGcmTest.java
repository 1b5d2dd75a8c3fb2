package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every Wycheproof AES-GCM vector with a 256-bit key and a 96-bit IV through AesGcm, on every
 * provider it can run on ({@link ProvidersUnderTest}), each message in one call and, where it is
 * longer than a slice, sliced.
 */
class WycheproofAesGcmTest {
  private static final String FILE = "aes_gcm_test.json";
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] EMPTY = new byte[0];
  private static final AtomicInteger EXECUTED = new AtomicInteger();

  static Stream<Arguments> vectors() {
    List<JsonNode> tests = matchingTests(WycheproofVectors.read(FILE)).collect(Collectors.toList());
    return ProvidersUnderTest.all().stream()
        .flatMap(
            p ->
                tests.stream()
                    .map(
                        t -> Arguments.of(p, t.get("tcId").asInt(), t.get("comment").asText(), t)));
  }

  /** The tests of every group with keySize 256, ivSize 96 and tagSize 128. */
  private static Stream<JsonNode> matchingTests(JsonNode file) {
    return StreamSupport.stream(file.get("testGroups").spliterator(), false)
        .filter(
            g ->
                g.get("keySize").asInt() == 256
                    && g.get("ivSize").asInt() == 96
                    && g.get("tagSize").asInt() == 128)
        .flatMap(g -> StreamSupport.stream(g.get("tests").spliterator(), false));
  }

  @ParameterizedTest(name = "{0} tcId {1} {2}")
  @MethodSource("vectors")
  void aesGcm_wycheproofVector_matchesExpectedResult(
      GcmProvider provider, int tcId, String comment, JsonNode test) throws AEADBadTagException {
    EXECUTED.incrementAndGet();
    SecretKey key = new SecretKeySpec(hex(test, "key"), "AES");
    byte[] iv = hex(test, "iv");
    byte[] aad = hex(test, "aad");
    byte[] msg = hex(test, "msg");
    byte[] sealed = concat(hex(test, "ct"), hex(test, "tag"));
    switch (test.get("result").asText()) {
      case "valid":
        for (boolean sliced : new boolean[] {false, true}) {
          AesGcmSlicingPropertiesTest.forgetLastNonce(provider);
          byte[] encrypted = new byte[msg.length + AesGcm.TAG_LENGTH];
          int n =
              AesGcm.encrypt(
                  provider,
                  sliced,
                  key,
                  iv,
                  0,
                  aad,
                  0,
                  aad.length,
                  EMPTY,
                  msg,
                  0,
                  msg.length,
                  encrypted,
                  0);
          assertEquals(encrypted.length, n);
          assertArrayEquals(sealed, encrypted, "ct || tag");
        }
        for (boolean sliced : AesGcmSlicingPropertiesTest.slicings(provider)) {
          assertArrayEquals(
              msg, decrypt(provider, sliced, key, iv, aad, sealed), "decrypted ct || tag");
        }
        break;
      case "invalid":
        // With a 96-bit IV every invalid vector is a forgery (flag ModifiedTag): decryption must
        // reject it. Encryption-only problems (ZeroLengthIv and the like) need other IV sizes.
        for (boolean sliced : AesGcmSlicingPropertiesTest.slicings(provider)) {
          assertThrows(
              AEADBadTagException.class, () -> decrypt(provider, sliced, key, iv, aad, sealed));
        }
        break;
      default:
        throw new AssertionError("unexpected result " + test.get("result") + " in tcId " + tcId);
    }
  }

  @Test
  void vectorFile_parsed_declaresAllItsTests() {
    JsonNode file = WycheproofVectors.read(FILE);
    long total =
        StreamSupport.stream(file.get("testGroups").spliterator(), false)
            .mapToLong(g -> g.get("tests").size())
            .sum();
    assertEquals("AES-GCM", file.get("algorithm").asText());
    assertEquals(file.get("numberOfTests").asLong(), total);
  }

  @AfterAll
  static void allMatchingVectors_afterRun_wereExecuted() {
    long expected =
        matchingTests(WycheproofVectors.read(FILE)).count() * ProvidersUnderTest.all().size();
    assertTrue(expected > 0, "no AES-256-GCM vectors with a 96-bit IV in " + FILE);
    assertEquals(expected, EXECUTED.get(), "executed vectors");
  }

  private static byte[] decrypt(
      GcmProvider provider, boolean sliced, SecretKey key, byte[] iv, byte[] aad, byte[] sealed)
      throws AEADBadTagException {
    byte[] out = new byte[Math.max(0, sealed.length - AesGcm.TAG_LENGTH)];
    int n =
        AesGcm.decrypt(
            provider,
            sliced,
            key,
            iv,
            0,
            aad,
            0,
            aad.length,
            EMPTY,
            sealed,
            0,
            sealed.length,
            out,
            0);
    assertEquals(out.length, n);
    return out;
  }

  private static byte[] hex(JsonNode test, String field) {
    return HEX.parseHex(test.get(field).asText());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
