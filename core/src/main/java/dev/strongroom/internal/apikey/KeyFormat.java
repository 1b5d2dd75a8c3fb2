package dev.strongroom.internal.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The API key format: {@code SERVICE_ENV_ID_SECRETCHECK}.
 *
 * <ul>
 *   <li>{@code SERVICE} and {@code ENV}: 1 to 16 characters of {@code [a-z0-9]}, starting with a
 *       letter (such as {@code sr} and {@code live});
 *   <li>{@code ID}: the public key id, 16 base62 characters: 10 random ones (59 bits) and a
 *       6-character tag, {@code base62(u64(HMAC-SHA-256(idKey, random part)[0..8)) mod 62^6)}
 *       left-padded with {@code 0}, where {@code idKey} is derived from the room's pepper ({@link
 *       PepperKeys}): an id the room never issued is refused offline, without a backend read,
 *       except with probability 62^-6 (about 2^-35.7);
 *   <li>{@code SECRET}: 256 random bits as 43 base62 characters (big-endian, left-padded with
 *       {@code 0});
 *   <li>{@code CHECK}: CRC-32 (ISO-HDLC, as {@link CRC32}) of the ASCII bytes of everything before
 *       it, as 6 base62 characters, left-padded with {@code 0}.
 * </ul>
 *
 * Base62 digits are {@code 0-9A-Za-z} in that order. A scanner recognises a key by {@link #PATTERN}
 * and confirms it with the checksum, without any lookup; a typo fails the checksum with probability
 * 1 - 2^-32.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class KeyFormat {
  /** Characters of the key id: the random part and the tag. */
  public static final int ID_LENGTH = 16;

  /** Characters of the random part of the key id. */
  public static final int RANDOM_ID_LENGTH = 10;

  /** Characters of the tag that ends the key id. */
  public static final int TAG_LENGTH = ID_LENGTH - RANDOM_ID_LENGTH;

  private static final long TAG_MODULUS = 62L * 62 * 62 * 62 * 62 * 62;

  /** Characters of the secret part. */
  public static final int SECRET_LENGTH = 43;

  /** Characters of the checksum. */
  public static final int CHECK_LENGTH = 6;

  /** The longest key: two 16-character labels, the id, the secret, the checksum, 3 separators. */
  public static final int MAX_LENGTH = 16 + 16 + ID_LENGTH + SECRET_LENGTH + CHECK_LENGTH + 3;

  /** Something that looks like a key (before the checksum is checked). */
  public static final Pattern PATTERN =
      Pattern.compile(
          "(?<![A-Za-z0-9_])[a-z][a-z0-9]{0,15}_[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{"
              + ID_LENGTH
              + "}_[0-9A-Za-z]{"
              + (SECRET_LENGTH + CHECK_LENGTH)
              + "}(?![A-Za-z0-9_])");

  private static final Pattern LONG_TOKEN = Pattern.compile("[A-Za-z0-9+/=_-]{20,}");
  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9]{0,15}");
  private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{" + ID_LENGTH + "}");
  private static final char[] DIGITS =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final BigInteger BASE = BigInteger.valueOf(62);
  private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

  private KeyFormat() {}

  /**
   * {@code untrusted} for a message or audit detail: as given if it is at most {@code max}
   * printable ASCII characters without a run of 20 token characters (which could be a pasted key or
   * other secret); otherwise only its length.
   */
  public static String describe(String untrusted, int max) {
    if (untrusted.length() <= max
        && untrusted.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
        && !LONG_TOKEN.matcher(untrusted).find()) {
      return untrusted;
    }
    return "<" + untrusted.length() + " characters, not shown>";
  }

  /** Whether {@code label} is a valid service or environment label. */
  public static boolean isLabel(String label) {
    return label != null && LABEL.matcher(label).matches();
  }

  /** Whether {@code id} is a valid key id. */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** A new key id: random characters and their tag under {@code tagMac} (keyed by idKey). */
  public static String newId(SecureRandom random, Mac tagMac) {
    byte[] id = new byte[ID_LENGTH];
    for (int i = 0; i < RANDOM_ID_LENGTH; i++) {
      id[i] = (byte) DIGITS[random.nextInt(62)];
    }
    byte[] out = new byte[tagMac.getMacLength()];
    writeTag(id, 0, tagMac, out, id, RANDOM_ID_LENGTH);
    return new String(id, StandardCharsets.US_ASCII);
  }

  /**
   * Whether the id at {@code key[idAt, idAt + ID_LENGTH)} carries the right tag under {@code
   * tagMac}; compared in constant time. {@code scratch} (at least 32 bytes) is overwritten.
   */
  public static boolean tagMatches(byte[] key, int idAt, Mac tagMac, byte[] scratch) {
    byte[] expected = new byte[TAG_LENGTH];
    writeTag(key, idAt, tagMac, scratch, expected, 0);
    int diff = 0;
    for (int i = 0; i < TAG_LENGTH; i++) {
      diff |= expected[i] ^ key[idAt + RANDOM_ID_LENGTH + i];
    }
    return diff == 0;
  }

  /** Whether {@code id} (a well-formed id) carries the right tag under {@code tagMac}. */
  public static boolean tagMatches(String id, Mac tagMac) {
    byte[] bytes = id.getBytes(StandardCharsets.US_ASCII);
    return bytes.length == ID_LENGTH && tagMatches(bytes, 0, tagMac, new byte[32]);
  }

  private static void writeTag(
      byte[] key, int idAt, Mac tagMac, byte[] scratch, byte[] to, int toAt) {
    tagMac.update(key, idAt, RANDOM_ID_LENGTH);
    try {
      tagMac.doFinal(scratch, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("HMAC-SHA-256 output buffer too small", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (scratch[i] & 0xff);
    }
    v = Long.remainderUnsigned(v, TAG_MODULUS);
    for (int i = toAt + TAG_LENGTH - 1; i >= toAt; i--) {
      to[i] = (byte) DIGITS[(int) (v % 62)];
      v /= 62;
    }
  }

  /**
   * A new key as ASCII bytes, which the caller owns and should wipe.
   *
   * @param secret 32 random bytes, which the caller wipes
   */
  public static byte[] newKey(String service, String environment, String id, byte[] secret) {
    String head = service + "_" + environment + "_" + id + "_";
    int n = head.length() + SECRET_LENGTH + CHECK_LENGTH;
    byte[] key = new byte[n];
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, key, 0, head.length());
    BigInteger value = new BigInteger(1, secret);
    for (int i = head.length() + SECRET_LENGTH - 1; i >= head.length(); i--) {
      BigInteger[] qr = value.divideAndRemainder(BASE);
      key[i] = (byte) DIGITS[qr[1].intValue()];
      value = qr[0];
    }
    writeCheck(key, n - CHECK_LENGTH, crc(key, n - CHECK_LENGTH));
    return key;
  }

  /**
   * Parses the key in {@code key[0, n)} (ASCII): returns the offset of its id, or -1 if it is not
   * well-formed or its checksum does not match. Allocates nothing.
   */
  public static int parse(byte[] key, int n) {
    if (n < 1 + 1 + 1 + 1 + ID_LENGTH + 1 + SECRET_LENGTH + CHECK_LENGTH || n > MAX_LENGTH) {
      return -1;
    }
    int first = label(key, 0, n);
    if (first < 0) {
      return -1;
    }
    int second = label(key, first + 1, n);
    if (second < 0) {
      return -1;
    }
    int id = second + 1;
    int tail = id + ID_LENGTH + 1;
    if (tail + SECRET_LENGTH + CHECK_LENGTH != n || key[tail - 1] != '_') {
      return -1;
    }
    for (int i = id; i < n; i++) {
      if (i != tail - 1 && digit(key[i]) < 0) {
        return -1;
      }
    }
    return checkMatches(key, n - CHECK_LENGTH, crc(key, n - CHECK_LENGTH)) ? id : -1;
  }

  /** Whether {@code text} is a well-formed key with a valid checksum. */
  public static boolean isKey(CharSequence text) {
    int n = text.length();
    if (n > MAX_LENGTH) {
      return false;
    }
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c > 127) {
        return false;
      }
      bytes[i] = (byte) c;
    }
    return parse(bytes, n) >= 0;
  }

  /** The offset after a label ending in {@code _} that starts at {@code from}, or -1. */
  private static int label(byte[] key, int from, int n) {
    int end = Math.min(n, from + 17);
    if (from >= n || key[from] < 'a' || key[from] > 'z') {
      return -1;
    }
    for (int i = from + 1; i < end; i++) {
      byte b = key[i];
      if (b == '_') {
        return i;
      }
      if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))) {
        return -1;
      }
    }
    return -1;
  }

  private static int digit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'A' && b <= 'Z') {
      return b - 'A' + 10;
    }
    if (b >= 'a' && b <= 'z') {
      return b - 'a' + 36;
    }
    return -1;
  }

  private static long crc(byte[] key, int length) {
    CRC32 crc = CRC.get();
    crc.reset();
    crc.update(key, 0, length);
    return crc.getValue();
  }

  private static void writeCheck(byte[] key, int at, long crc) {
    long v = crc;
    for (int i = at + CHECK_LENGTH - 1; i >= at; i--) {
      key[i] = (byte) DIGITS[(int) (v % 62)];
      v /= 62;
    }
  }

  private static boolean checkMatches(byte[] key, int at, long crc) {
    long v = crc;
    int diff = 0;
    for (int i = at + CHECK_LENGTH - 1; i >= at; i--) {
      diff |= key[i] ^ DIGITS[(int) (v % 62)];
      v /= 62;
    }
    return diff == 0;
  }

  /** Recomputes the checksum of the key in {@code key[0, n)} in place (for tests of tampering). */
  public static void fixCheck(byte[] key, int n) {
    writeCheck(key, n - CHECK_LENGTH, crc(key, n - CHECK_LENGTH));
  }
}
