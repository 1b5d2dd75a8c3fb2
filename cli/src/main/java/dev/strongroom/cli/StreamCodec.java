package dev.strongroom.cli;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streaming encryption for {@code encrypt}, {@code decrypt} and {@code rewrap}, in constant memory.
 *
 * <p>TODO(envelope-streaming): core's {@code Envelope.encryptingStream(OutputStream,
 * EncryptionContext)} and {@code decryptingStream(InputStream, EncryptionContext)} are on their
 * way; when they land, {@link #of} returns a codec over them (one line) and {@link
 * ChunkedEnvelopeCodec}, the CLI's stop-gap chunked format, is deleted.
 *
 * <p>Implementations are thread-safe; the streams they return are not.
 */
interface StreamCodec {

  /** The codec the CLI uses. */
  static StreamCodec of(Envelope envelope) {
    return new ChunkedEnvelopeCodec(envelope);
  }

  /** A stream that encrypts what is written into {@code out}; closing it finishes the message. */
  OutputStream encrypting(OutputStream out, EncryptionContext context) throws IOException;

  /**
   * A stream of the plaintext of {@code in}. Each chunk is authenticated before it is returned and
   * a truncated message fails at its end, so callers that must release nothing unverified hold the
   * output back until end of stream ({@link HoldBackOutput}).
   */
  InputStream decrypting(InputStream in, EncryptionContext context) throws IOException;

  /**
   * Copies {@code in} to {@code out} with every data key rewrapped under the newest KEK version.
   */
  void rewrap(InputStream in, OutputStream out) throws IOException;
}
