package dev.strongroom.internal.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyFormatTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PepperKeys TAGS = PepperKeys.derive(new byte[32]);
  private static final PepperKeys OTHER =
      PepperKeys.derive(
          new byte[] {
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0
          });

  @Test
  void idTag_keyedByPepper_refusesRandomAndForeignIds() {
    int foreign = 0;
    int random = 0;
    for (int i = 0; i < 2_000; i++) {
      String id = KeyFormat.newId(RANDOM, TAGS.idMac());
      assertTrue(KeyFormat.isId(id) && KeyFormat.tagMatches(id, TAGS.idMac()));
      foreign += KeyFormat.tagMatches(id, OTHER.idMac()) ? 1 : 0;
      char[] changed = id.toCharArray();
      changed[i % KeyFormat.ID_LENGTH] = changed[i % KeyFormat.ID_LENGTH] == 'a' ? 'b' : 'a';
      random += KeyFormat.tagMatches(new String(changed), TAGS.idMac()) ? 1 : 0;
    }
    assertEquals(0, foreign, "an id tagged under another pepper passes with probability 62^-6");
    assertEquals(0, random, "a changed id passes with probability 62^-6");
  }

  @Test
  void newKey_hasDocumentedShape_andParses() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String id = KeyFormat.newId(RANDOM, TAGS.idMac());
    byte[] key = KeyFormat.newKey("sr", "live", id, secret);
    String text = new String(key, StandardCharsets.US_ASCII);

    assertEquals(8 + 16 + 1 + 43 + 6, key.length);
    assertTrue(KeyFormat.tagMatches(id, TAGS.idMac()));
    assertTrue(text.startsWith("sr_live_" + id + "_"));
    assertTrue(KeyFormat.PATTERN.matcher(text).matches());
    assertEquals(8, KeyFormat.parse(key, key.length));
    assertTrue(KeyFormat.isKey(text));
  }

  @Test
  void secret_allZeroAndAllOnes_encodeTo43Digits() {
    byte[] zeros = KeyFormat.newKey("a", "b", "0000000000000000", new byte[32]);
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    byte[] max = KeyFormat.newKey("a", "b", "0000000000000000", ones);
    assertEquals(zeros.length, max.length);
    assertTrue(KeyFormat.isKey(new String(zeros, StandardCharsets.US_ASCII)));
    assertTrue(KeyFormat.isKey(new String(max, StandardCharsets.US_ASCII)));
  }

  @Test
  void knownVector_checksumIsCrc32InBase62() {
    // CRC-32 of "a_b_0000000000000000_" + 43 zeros, computed independently with java.util.zip.CRC32
    String body = "a_b_0000000000000000_" + "0".repeat(43);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder check = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      check.insert(0, digits.charAt((int) (v % 62)));
      v /= 62;
    }
    byte[] key = KeyFormat.newKey("a", "b", "0000000000000000", new byte[32]);
    assertEquals(body + check, new String(key, StandardCharsets.US_ASCII));
  }

  @Test
  void parse_rejectsBadShapes() {
    for (String bad :
        new String[] {
          "",
          "sr_live_",
          "Sr_live_0000000000000000_" + "0".repeat(49),
          "sr__0000000000000000_" + "0".repeat(49),
          "sr_live_000000000000000_" + "0".repeat(50),
          "sr_live_0000000000000000-" + "0".repeat(49),
          "sr_live_0000000000000000_" + "0".repeat(48) + "!",
          "sr_live_0000000000000000_" + "0".repeat(49) // well-formed shape, wrong checksum
        }) {
      assertFalse(KeyFormat.isKey(bad), bad);
    }
  }
}
