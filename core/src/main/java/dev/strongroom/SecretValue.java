package dev.strongroom;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Secret bytes that never print. {@link #toString()} is redacted, there is no {@code equals} or
 * {@code hashCode} (use {@link #equalsSecret}, which runs in constant time), and the bytes can be
 * wiped. Plaintext leaves only through the explicit, greppable {@code copy…} and {@link #apply}
 * methods, which hand out copies.
 *
 * <p>Thread-safe: reads may run concurrently. {@link #wipe()} is final; a read that races with it
 * sees either the value or an {@link IllegalStateException}, never partially wiped bytes handed out
 * as valid.
 */
public final class SecretValue implements AutoCloseable {
  private static final String REDACTED = "SecretValue[redacted]";

  private final byte[] bytes;
  private volatile boolean wiped;

  private SecretValue(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Returns a secret holding a copy of {@code bytes}; the caller may wipe its own array. */
  public static SecretValue of(byte[] bytes) {
    return new SecretValue(Objects.requireNonNull(bytes, "bytes").clone());
  }

  /** Returns a secret holding the UTF-8 encoding of {@code chars}. */
  public static SecretValue of(char[] chars) {
    Objects.requireNonNull(chars, "chars");
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    if (encoded.hasArray()) {
      @SuppressWarnings("ByteBufferBackingArray") // the encoder's whole buffer is wiped, on purpose
      byte[] buffer = encoded.array();
      Arrays.fill(buffer, (byte) 0);
    }
    return new SecretValue(out);
  }

  /**
   * Returns a secret holding the UTF-8 encoding of {@code text}. Prefer {@link #of(char[])}: a
   * {@code String} cannot be wiped.
   */
  public static SecretValue ofUtf8(String text) {
    return new SecretValue(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code bytes} without copying; for callers in this package. */
  static SecretValue adopt(byte[] bytes) {
    return new SecretValue(bytes);
  }

  /** The number of secret bytes. Not secret. */
  public int length() {
    return bytes.length;
  }

  /** Returns a copy of the secret bytes; the caller should wipe it when done. */
  public byte[] copyBytes() {
    byte[] copy = bytes.clone();
    checkNotWiped();
    return copy;
  }

  /**
   * Returns the secret decoded as UTF-8 into a fresh array the caller should wipe.
   *
   * @throws IllegalStateException if the bytes are not valid UTF-8 or the value was wiped
   */
  public char[] copyChars() {
    byte[] copy = copyBytes();
    try {
      CharBuffer decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(copy));
      char[] out = new char[decoded.remaining()];
      decoded.get(out);
      Arrays.fill(decoded.array(), '\0');
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("expected UTF-8 secret bytes but they did not decode", e);
    } finally {
      Arrays.fill(copy, (byte) 0);
    }
  }

  /**
   * Returns the secret decoded as UTF-8 into a {@code String}, for APIs that accept nothing else (a
   * JDBC password, say). The string cannot be wiped; prefer {@link #copyChars()}.
   */
  public String copyUtf8String() {
    char[] chars = copyChars();
    try {
      return new String(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /**
   * Lends a copy of the bytes to {@code function} and wipes the copy when it returns. The function
   * must not keep the array.
   */
  public <T> T apply(Function<byte[], T> function) {
    Objects.requireNonNull(function, "function");
    byte[] copy = copyBytes();
    try {
      return function.apply(copy);
    } finally {
      Arrays.fill(copy, (byte) 0);
    }
  }

  /** Compares with another secret in time that depends only on the lengths. */
  public boolean equalsSecret(SecretValue other) {
    Objects.requireNonNull(other, "other");
    checkNotWiped();
    other.checkNotWiped();
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  /** Overwrites the bytes with zeros; every later read throws {@link IllegalStateException}. */
  public void wipe() {
    wiped = true;
    Arrays.fill(bytes, (byte) 0);
  }

  /** Whether {@link #wipe()} has run. */
  public boolean isWiped() {
    return wiped;
  }

  /** Same as {@link #wipe()}, so a secret can live in a try-with-resources block. */
  @Override
  public void close() {
    wipe();
  }

  /** Always {@code "SecretValue[redacted]"}. */
  @Override
  public String toString() {
    return REDACTED;
  }

  private void checkNotWiped() {
    if (wiped) {
      throw new IllegalStateException("expected a live secret but it was wiped");
    }
  }
}
