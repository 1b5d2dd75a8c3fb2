package dev.strongroom.internal.envelope;

import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys derived from one data key (DEK), and how much they have been used.
 *
 * <p>From a 32-byte random DEK, HKDF-SHA-256 derives three independent 32-byte values, each once
 * per DEK (never per message): the AES-256-GCM key of single-shot messages, the input key of
 * streams (Cobblestone-256), and the key commitment written into every header. The commitment is
 * what makes the format key-committing: a header opens only with the DEK whose commitment it
 * carries, so no ciphertext decrypts under two keys.
 *
 * <p>Usage counters are atomic: {@link #reserve} hands out each message number once, which is what
 * holds a DEK to its message and byte limits. Thread-safe.
 */
public final class DataKeyMaterial {
  public static final int COMMITMENT_LENGTH = 32;

  private static final byte[] AEAD_INFO = "strongroom v1 aead key".getBytes(StandardCharsets.UTF_8);
  private static final byte[] STREAM_INFO =
      "strongroom v1 stream key".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COMMIT_INFO =
      "strongroom v1 key commitment".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec aeadKey;
  private final byte[] streamKey;
  private final byte[] commitment;
  private final byte[] header;
  private final long createdMillis;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  private DataKeyMaterial(
      SecretKeySpec aeadKey, byte[] streamKey, byte[] commitment, byte[] header, long now) {
    this.aeadKey = aeadKey;
    this.streamKey = streamKey;
    this.commitment = commitment;
    this.header = header;
    this.createdMillis = now;
  }

  /** Derives the keys and the commitment of {@code dek}; the caller wipes {@code dek}. */
  public static byte[][] derive(byte[] dek) {
    try {
      byte[] salt = new byte[0];
      return new byte[][] {
        Hkdf.computeHkdf("HMACSHA256", dek, salt, AEAD_INFO, 32),
        Hkdf.computeHkdf("HMACSHA256", dek, salt, STREAM_INFO, 32),
        Hkdf.computeHkdf("HMACSHA256", dek, salt, COMMIT_INFO, COMMITMENT_LENGTH)
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA-256 unavailable", e);
    }
  }

  /**
   * Materials for {@code dek}; {@code header} is the encryption header prefix (or null for
   * decryption materials). The caller wipes {@code dek}.
   */
  public static DataKeyMaterial of(byte[] dek, byte[] header, long nowMillis) {
    byte[][] derived = derive(dek);
    SecretKeySpec aeadKey = new SecretKeySpec(derived[0], "AES");
    Arrays.fill(derived[0], (byte) 0);
    return new DataKeyMaterial(aeadKey, derived[1], derived[2], header, nowMillis);
  }

  /** The commitment of a DEK, for a header about to be written. */
  public byte[] commitment() {
    return commitment.clone();
  }

  /** Whether {@code candidate[off, off+32)} is this DEK's commitment, in constant time. */
  public boolean commitsTo(byte[] candidate, int off) {
    return MessageDigest.isEqual(
        commitment, Arrays.copyOfRange(candidate, off, off + COMMITMENT_LENGTH));
  }

  /** The AES-256-GCM key of single-shot messages. */
  public SecretKeySpec aeadKey() {
    return aeadKey;
  }

  /** The Cobblestone input key of streams; callers must not modify it. */
  public byte[] streamKey() {
    return streamKey;
  }

  /** The header prefix of messages encrypted under this DEK; callers must not modify it. */
  public byte[] header() {
    return header;
  }

  /**
   * Reserves one message of {@code length} plaintext bytes.
   *
   * @return the message number, from 1, unique for this DEK; or -1 if a limit forbids the message
   */
  public long reserve(
      long length, long nowMillis, long maxAgeMillis, long maxMessages, long maxBytes) {
    if (nowMillis - createdMillis >= maxAgeMillis) {
      return -1;
    }
    long number = messages.incrementAndGet();
    if (number > maxMessages) {
      return -1;
    }
    if (bytes.addAndGet(length) > maxBytes) {
      return -1;
    }
    return number;
  }

  /**
   * An exact copy, usage counters included: what a process snapshot restored twice holds twice. For
   * tests of nonce uniqueness across restored copies only.
   */
  public DataKeyMaterial snapshotCopy() {
    DataKeyMaterial copy =
        new DataKeyMaterial(aeadKey, streamKey.clone(), commitment, header, createdMillis);
    copy.messages.set(messages.get());
    copy.bytes.set(bytes.get());
    return copy;
  }

  /** Wipes what can be wiped; used when the owner closes. */
  public void wipe() {
    Arrays.fill(streamKey, (byte) 0);
  }
}
