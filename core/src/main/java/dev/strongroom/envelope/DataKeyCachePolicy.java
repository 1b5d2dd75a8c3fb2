package dev.strongroom.envelope;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on how long and how much a data key (DEK) is reused, as in the AWS Encryption SDK's
 * caching materials manager. An encryption DEK is used while it is younger than {@link #maxAge()},
 * has protected at most {@link #maxMessages()} messages and at most {@link #maxBytes()} plaintext
 * bytes; the message that would cross a limit gets a fresh DEK. The same limits apply to unwrapped
 * DEKs cached for decryption, and at most {@link #maxDecryptionKeys()} of those are kept.
 *
 * <p>Immutable and thread-safe.
 */
public final class DataKeyCachePolicy {
  /** The largest message limit: nonces are a 64-bit per-DEK counter, so far above 2^32. */
  public static final long MAX_MESSAGES_LIMIT = 1L << 62;

  private static final DataKeyCachePolicy DEFAULTS =
      new DataKeyCachePolicy(Duration.ofMinutes(5), 1L << 32, 1L << 40, 1000);

  private final Duration maxAge;
  private final long maxMessages;
  private final long maxBytes;
  private final int maxDecryptionKeys;

  private DataKeyCachePolicy(
      Duration maxAge, long maxMessages, long maxBytes, int maxDecryptionKeys) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("expected a positive maxAge but was " + maxAge);
    }
    if (maxMessages < 1 || maxMessages > MAX_MESSAGES_LIMIT) {
      throw new IllegalArgumentException(
          "expected maxMessages in [1, 2^62] but was " + maxMessages);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("expected a positive maxBytes but was " + maxBytes);
    }
    if (maxDecryptionKeys < 1) {
      throw new IllegalArgumentException(
          "expected a positive maxDecryptionKeys but was " + maxDecryptionKeys);
    }
    this.maxAge = maxAge;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.maxDecryptionKeys = maxDecryptionKeys;
  }

  /** Five minutes, 2^32 messages, 1 TiB, 1000 decryption keys. */
  public static DataKeyCachePolicy defaults() {
    return DEFAULTS;
  }

  /** A fresh DEK for every message: no caching at all. */
  public static DataKeyCachePolicy noCaching() {
    return DEFAULTS.withMaxMessages(1);
  }

  /** A copy with another maximum age. */
  public DataKeyCachePolicy withMaxAge(Duration maxAge) {
    return new DataKeyCachePolicy(maxAge, maxMessages, maxBytes, maxDecryptionKeys);
  }

  /** A copy with another message limit. */
  public DataKeyCachePolicy withMaxMessages(long maxMessages) {
    return new DataKeyCachePolicy(maxAge, maxMessages, maxBytes, maxDecryptionKeys);
  }

  /** A copy with another plaintext byte limit. */
  public DataKeyCachePolicy withMaxBytes(long maxBytes) {
    return new DataKeyCachePolicy(maxAge, maxMessages, maxBytes, maxDecryptionKeys);
  }

  /** A copy with another bound on cached decryption keys. */
  public DataKeyCachePolicy withMaxDecryptionKeys(int maxDecryptionKeys) {
    return new DataKeyCachePolicy(maxAge, maxMessages, maxBytes, maxDecryptionKeys);
  }

  /** How long a DEK is used after it was made or unwrapped. */
  public Duration maxAge() {
    return maxAge;
  }

  /** How many messages one DEK protects at most. */
  public long maxMessages() {
    return maxMessages;
  }

  /** How many plaintext bytes one DEK protects at most. */
  public long maxBytes() {
    return maxBytes;
  }

  /** How many unwrapped DEKs the decryption cache holds at most. */
  public int maxDecryptionKeys() {
    return maxDecryptionKeys;
  }

  @Override
  public String toString() {
    return "DataKeyCachePolicy[maxAge="
        + maxAge
        + ", maxMessages="
        + maxMessages
        + ", maxBytes="
        + maxBytes
        + ", maxDecryptionKeys="
        + maxDecryptionKeys
        + "]";
  }
}
