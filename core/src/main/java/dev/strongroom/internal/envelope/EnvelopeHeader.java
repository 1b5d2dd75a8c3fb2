package dev.strongroom.internal.envelope;

import dev.strongroom.exception.InvalidCiphertextException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope header (docs/FORMAT.md), parsed with every length checked against its bound before
 * anything is allocated or any key service is called.
 *
 * <pre>
 * offset  size  field
 * 0       1     version (0x01)
 * 1       1     suite (0x01 single-shot AES-256-GCM, 0x02 stream Cobblestone-256)
 * 2       32    key commitment (HKDF-SHA-256 of the DEK)
 * 34      1     recipient count n, 1..8
 *         n ×   recipient: u8 reference length r (1..255), r bytes reference (UTF-8),
 *                          u16 wrapped length w (1..1024), w bytes wrapped DEK
 * </pre>
 *
 * <p>Immutable.
 */
public final class EnvelopeHeader {
  public static final int VERSION = 1;
  public static final int SUITE_SINGLE = 1;
  public static final int SUITE_STREAM = 2;
  public static final int MAX_RECIPIENTS = 8;
  public static final int MAX_REF_LENGTH = 255;
  public static final int MAX_WRAPPED_LENGTH = 1024;
  public static final int FIXED_LENGTH = 35;

  /** The authenticated prefix: version, suite and commitment. */
  public static final int AUTHENTICATED_LENGTH = 34;

  public static final int COMMITMENT_OFFSET = 2;

  /** The largest header there can be. */
  public static final int MAX_LENGTH =
      FIXED_LENGTH + MAX_RECIPIENTS * (1 + MAX_REF_LENGTH + 2 + MAX_WRAPPED_LENGTH);

  /** One recipient: a KEK reference and the DEK wrapped under it. */
  public record Recipient(byte[] ref, byte[] wrapped) {}

  private final int suite;
  private final List<Recipient> recipients;
  private final int length;

  private EnvelopeHeader(int suite, List<Recipient> recipients, int length) {
    this.suite = suite;
    this.recipients = recipients;
    this.length = length;
  }

  public int suite() {
    return suite;
  }

  public List<Recipient> recipients() {
    return recipients;
  }

  /** The header's length in bytes; the body starts here. */
  public int length() {
    return length;
  }

  /** Parses the header at the start of {@code bytes}. */
  public static EnvelopeHeader parse(byte[] bytes) {
    return parse(bytes, bytes.length);
  }

  private static EnvelopeHeader parse(byte[] bytes, int available) {
    int length = measure(bytes, available);
    int count = bytes[FIXED_LENGTH - 1] & 0xff;
    List<Recipient> recipients = new ArrayList<>(count);
    int pos = FIXED_LENGTH;
    for (int i = 0; i < count; i++) {
      int refLength = bytes[pos++] & 0xff;
      byte[] ref = copy(bytes, pos, refLength);
      pos += refLength;
      int wrappedLength = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
      pos += 2;
      recipients.add(new Recipient(ref, copy(bytes, pos, wrappedLength)));
      pos += wrappedLength;
    }
    return new EnvelopeHeader(bytes[1], List.copyOf(recipients), length);
  }

  /**
   * Checks the header at the start of {@code bytes} against every bound and returns its length,
   * allocating nothing (the decryption hot path).
   */
  public static int measure(byte[] bytes) {
    return measure(bytes, bytes.length);
  }

  private static int measure(byte[] bytes, int available) {
    if (available < FIXED_LENGTH
        || bytes[0] != VERSION
        || (bytes[1] != SUITE_SINGLE && bytes[1] != SUITE_STREAM)) {
      throw new InvalidCiphertextException();
    }
    int count = bytes[FIXED_LENGTH - 1] & 0xff;
    if (count < 1 || count > MAX_RECIPIENTS) {
      throw new InvalidCiphertextException();
    }
    int pos = FIXED_LENGTH;
    for (int i = 0; i < count; i++) {
      if (pos + 1 > available) {
        throw new InvalidCiphertextException();
      }
      int refLength = bytes[pos++] & 0xff;
      if (refLength < 1 || pos + refLength + 2 > available) {
        throw new InvalidCiphertextException();
      }
      pos += refLength;
      int wrappedLength = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
      pos += 2;
      if (wrappedLength < 1
          || wrappedLength > MAX_WRAPPED_LENGTH
          || pos + wrappedLength > available) {
        throw new InvalidCiphertextException();
      }
      pos += wrappedLength;
    }
    return pos;
  }

  /**
   * Reads exactly one header from {@code in} and returns its bytes; never reads more than {@link
   * #MAX_LENGTH} bytes and never past the header.
   */
  public static byte[] readFrom(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] fixed = readExactly(in, FIXED_LENGTH);
    out.write(fixed);
    int count = fixed[FIXED_LENGTH - 1] & 0xff;
    if (fixed[0] != VERSION || count < 1 || count > MAX_RECIPIENTS) {
      throw new InvalidCiphertextException();
    }
    for (int i = 0; i < count; i++) {
      byte[] refLength = readExactly(in, 1);
      out.write(refLength);
      byte[] refAndLength = readExactly(in, (refLength[0] & 0xff) + 2);
      out.write(refAndLength);
      int n = refAndLength.length;
      int wrappedLength = ((refAndLength[n - 2] & 0xff) << 8) | (refAndLength[n - 1] & 0xff);
      if (wrappedLength > MAX_WRAPPED_LENGTH) {
        throw new InvalidCiphertextException();
      }
      out.write(readExactly(in, wrappedLength));
    }
    return out.toByteArray();
  }

  /** Writes a header; the caller has checked the bounds of every field. */
  public static byte[] write(int suite, byte[] commitment, List<Recipient> recipients) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(VERSION);
    out.write(suite);
    out.write(commitment, 0, commitment.length);
    out.write(recipients.size());
    for (Recipient r : recipients) {
      out.write(r.ref().length);
      out.write(r.ref(), 0, r.ref().length);
      out.write(r.wrapped().length >>> 8);
      out.write(r.wrapped().length);
      out.write(r.wrapped(), 0, r.wrapped().length);
    }
    return out.toByteArray();
  }

  private static byte[] copy(byte[] bytes, int off, int len) {
    byte[] out = new byte[len];
    System.arraycopy(bytes, off, out, 0, len);
    return out;
  }

  private static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] out = in.readNBytes(n);
    if (out.length != n) {
      throw new InvalidCiphertextException();
    }
    return out;
  }
}
