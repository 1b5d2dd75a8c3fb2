package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.exception.InvalidCiphertextException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a decrypting stream released before it ended or failed: the length and SHA-512 of the
 * released bytes (and the bytes themselves when asked), and the failure, if any. When the stream
 * failed, draining also checks that every later read fails the same way.
 */
final class Drained {
  final long length;
  final byte[] sha512;
  final byte[] bytes;
  final InvalidCiphertextException failure;

  private Drained(long length, byte[] sha512, byte[] bytes, InvalidCiphertextException failure) {
    this.length = length;
    this.sha512 = sha512;
    this.bytes = bytes;
    this.failure = failure;
  }

  /** Reads {@code in} to its end or to its first {@link InvalidCiphertextException}. */
  static Drained from(InputStream in, boolean keepBytes, int readSize) throws IOException {
    MessageDigest sha512 = sha512();
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[readSize];
    long length = 0;
    InvalidCiphertextException failure = null;
    try {
      for (int n; (n = in.read(buffer, 0, buffer.length)) != -1; length += n) {
        sha512.update(buffer, 0, n);
        if (keepBytes) {
          kept.write(buffer, 0, n);
        }
      }
    } catch (InvalidCiphertextException e) {
      failure = e;
      assertThrows(InvalidCiphertextException.class, in::read, "a read after a failure");
      assertThrows(InvalidCiphertextException.class, () -> in.read(buffer), "a later bulk read");
    }
    return new Drained(length, sha512.digest(), keepBytes ? kept.toByteArray() : null, failure);
  }

  static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
