package dev.strongroom.envelope;

import dev.strongroom.internal.envelope.ReservedContexts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * String key/value pairs bound to a ciphertext as associated data, like the AWS encryption context:
 * decryption succeeds only with the same pairs. The context is not secret and is not stored in the
 * ciphertext; it is encoded canonically (sorted by key, length-prefixed UTF-8), so the order in
 * which pairs are given does not matter.
 *
 * <p>Keys starting with {@code strongroom:} are reserved for what the library seals for itself (the
 * API-key pepper, tenant-sealed secrets) and refused here, so that nothing the library sealed can
 * be opened through {@code Strongroom.decrypt} or an {@link Envelope}.
 *
 * <p>Immutable and thread-safe; build one per record type and reuse it on hot paths.
 */
public final class EncryptionContext {
  /** At most this many pairs. */
  public static final int MAX_PAIRS = 64;

  /** At most this many bytes in each key and value (UTF-8). */
  public static final int MAX_FIELD_BYTES = 1024;

  private static final EncryptionContext EMPTY = new EncryptionContext(new TreeMap<>());

  static {
    ReservedContexts.register(pairs -> build(pairs, true));
  }

  private final Map<String, String> pairs;
  private final byte[] canonical;

  private EncryptionContext(TreeMap<String, String> pairs) {
    this.pairs = Collections.unmodifiableMap(pairs);
    this.canonical = encode(pairs);
  }

  /** The empty context. */
  public static EncryptionContext empty() {
    return EMPTY;
  }

  /** A context with one pair. */
  public static EncryptionContext of(String key, String value) {
    return of(Map.of(key, value));
  }

  /** A context with two pairs. */
  public static EncryptionContext of(String k1, String v1, String k2, String v2) {
    return of(Map.of(k1, v1, k2, v2));
  }

  /**
   * A context holding a copy of {@code pairs}.
   *
   * @throws IllegalArgumentException if a key starts with the reserved prefix {@code strongroom:},
   *     there are more than {@link #MAX_PAIRS} pairs, or a field is longer than {@link
   *     #MAX_FIELD_BYTES}
   */
  public static EncryptionContext of(Map<String, String> pairs) {
    return build(pairs, false);
  }

  private static EncryptionContext build(Map<String, String> pairs, boolean reservedAllowed) {
    Objects.requireNonNull(pairs, "pairs");
    if (pairs.size() > MAX_PAIRS) {
      throw new IllegalArgumentException(
          "expected at most " + MAX_PAIRS + " context pairs but was " + pairs.size());
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    pairs.forEach(
        (k, v) -> {
          checkField("key", Objects.requireNonNull(k, "context key"));
          if (!reservedAllowed && ReservedContexts.isReserved(k)) {
            throw new IllegalArgumentException(
                "expected a context key not starting with the reserved prefix '"
                    + ReservedContexts.PREFIX
                    + "' (the library's own sealing uses it) but was '"
                    + (k.length() > 64 ? k.substring(0, 64) + "..." : k)
                    + "'");
          }
          checkField("value", Objects.requireNonNull(v, "context value"));
          sorted.put(k, v);
        });
    return sorted.isEmpty() ? EMPTY : new EncryptionContext(sorted);
  }

  /** The pairs, sorted by key; unmodifiable. */
  public Map<String, String> asMap() {
    return pairs;
  }

  /** The canonical encoding authenticated with the data. Callers must not modify it. */
  byte[] canonicalBytes() {
    return canonical;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionContext && ((EncryptionContext) o).pairs.equals(pairs);
  }

  @Override
  public int hashCode() {
    return pairs.hashCode();
  }

  @Override
  public String toString() {
    return "EncryptionContext" + pairs;
  }

  private static void checkField(String what, String field) {
    int length = field.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_FIELD_BYTES) {
      throw new IllegalArgumentException(
          "expected a context "
              + what
              + " of at most "
              + MAX_FIELD_BYTES
              + " bytes but was "
              + length);
    }
  }

  /** u16 count, then for each pair in key order: u16 length, key, u16 length, value. */
  private static byte[] encode(TreeMap<String, String> pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU16(out, pairs.size());
    pairs.forEach(
        (k, v) -> {
          writeField(out, k);
          writeField(out, v);
        });
    return out.toByteArray();
  }

  private static void writeField(ByteArrayOutputStream out, String field) {
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    writeU16(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void writeU16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }
}
