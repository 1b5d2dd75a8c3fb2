package dev.strongroom.internal.apikey;

import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The three HMAC-SHA-256 keys derived from a room's 32-byte API-key pepper with HKDF-SHA-256 (RFC
 * 5869, empty salt, 32 bytes each), one per purpose so that no MAC output can stand in for another:
 *
 * <ul>
 *   <li>{@code hashKey}, info {@code "strongroom apikey v2 key hash"}: the stored hash of a key is
 *       HMAC(hashKey, the key's ASCII bytes);
 *   <li>{@code idKey}, info {@code "strongroom apikey v2 id tag"}: the tag ending every key id
 *       ({@link KeyFormat});
 *   <li>{@code recordKey}, info {@code "strongroom apikey v2 record mac"}: the MAC of every stored
 *       key record ({@link KeyRecord}).
 * </ul>
 *
 * <p>Immutable and thread-safe ({@link Mac} instances are made per use or per thread). Not for
 * public use.
 */
final class PepperKeys {
  /** Bytes of a pepper. */
  static final int PEPPER_LENGTH = 32;

  private static final byte[] HASH_INFO = ascii("strongroom apikey v2 key hash");
  private static final byte[] ID_INFO = ascii("strongroom apikey v2 id tag");
  private static final byte[] RECORD_INFO = ascii("strongroom apikey v2 record mac");

  private final SecretKeySpec hashKey;
  private final SecretKeySpec idKey;
  private final SecretKeySpec recordKey;

  private PepperKeys(SecretKeySpec hashKey, SecretKeySpec idKey, SecretKeySpec recordKey) {
    this.hashKey = hashKey;
    this.idKey = idKey;
    this.recordKey = recordKey;
  }

  /** The keys of {@code pepper} (32 bytes, which the caller wipes). */
  static PepperKeys derive(byte[] pepper) {
    if (pepper.length != PEPPER_LENGTH) {
      throw new IllegalArgumentException(
          "expected a " + PEPPER_LENGTH + "-byte pepper but was " + pepper.length);
    }
    return new PepperKeys(key(pepper, HASH_INFO), key(pepper, ID_INFO), key(pepper, RECORD_INFO));
  }

  private static SecretKeySpec key(byte[] pepper, byte[] info) {
    byte[] derived;
    try {
      derived = Hkdf.computeHkdf("HMACSHA256", pepper, new byte[0], info, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA-256 is not available", e);
    }
    try {
      return new SecretKeySpec(derived, "HmacSHA256");
    } finally {
      Arrays.fill(derived, (byte) 0);
    }
  }

  Mac hashMac() {
    return mac(hashKey);
  }

  Mac idMac() {
    return mac(idKey);
  }

  Mac recordMac() {
    return mac(recordKey);
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "PepperKeys[redacted]";
  }
}
