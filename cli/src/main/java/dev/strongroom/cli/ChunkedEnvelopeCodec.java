package dev.strongroom.cli;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.InvalidCiphertextException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The CLI's stop-gap streaming format until core has streaming envelopes: {@code "SRCHNK01" ||
 * stream id (16 random bytes) || frame*}, each frame {@code u32 (final bit 31 | length) ||
 * single-shot envelope ciphertext} of at most 64 KiB of plaintext. Each chunk's encryption context
 * is the caller's plus the stream id, the chunk index and the final flag, so chunks cannot be
 * reordered, dropped, truncated away or spliced in from another stream. Context keys starting with
 * {@code strongroom.} are reserved.
 *
 * <p>Thread-safe; the streams it returns are not.
 */
final class ChunkedEnvelopeCodec implements StreamCodec {
  static final byte[] MAGIC = {'S', 'R', 'C', 'H', 'N', 'K', '0', '1'};
  static final int CHUNK = 64 * 1024;
  private static final int MAX_FRAME = CHUNK + 64 * 1024;
  private static final int FINAL = 0x80000000;
  private static final int ID_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Envelope envelope;

  ChunkedEnvelopeCodec(Envelope envelope) {
    this.envelope = envelope;
  }

  @Override
  public OutputStream encrypting(OutputStream out, EncryptionContext context) throws IOException {
    checkReserved(context);
    byte[] id = new byte[ID_LENGTH];
    RANDOM.nextBytes(id);
    out.write(MAGIC);
    out.write(id);
    return new Encrypting(out, context, id);
  }

  @Override
  public InputStream decrypting(InputStream in, EncryptionContext context) throws IOException {
    checkReserved(context);
    DataInputStream data = new DataInputStream(in);
    return new Decrypting(data, context, readPreamble(data));
  }

  @Override
  public void rewrap(InputStream in, OutputStream out) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] id = readPreamble(data);
    out.write(MAGIC);
    out.write(id);
    while (true) {
      Frame frame = readFrame(data);
      if (frame == null) {
        throw new InvalidCiphertextException();
      }
      byte[] rewrapped = envelope.rewrap(frame.body);
      writeFrame(out, rewrapped, frame.last);
      if (frame.last) {
        expectEnd(data);
        out.flush();
        return;
      }
    }
  }

  /** Whether {@code head} starts like a stream of this format. */
  static boolean looksLikeStream(byte[] head) {
    return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
  }

  private static void checkReserved(EncryptionContext context) {
    for (String key : context.asMap().keySet()) {
      if (key.startsWith("strongroom.")) {
        throw new IllegalArgumentException(
            "expected no context key starting with 'strongroom.' but got " + key);
      }
    }
  }

  private static EncryptionContext chunkContext(
      EncryptionContext base, byte[] id, long index, boolean last) {
    Map<String, String> pairs = new HashMap<>(base.asMap());
    pairs.put("strongroom.stream", Base64.getEncoder().encodeToString(id));
    pairs.put("strongroom.chunk", Long.toString(index));
    pairs.put("strongroom.final", last ? "1" : "0");
    return EncryptionContext.of(pairs);
  }

  private static byte[] readPreamble(DataInputStream in) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    byte[] id = new byte[ID_LENGTH];
    try {
      in.readFully(magic);
      in.readFully(id);
    } catch (EOFException e) {
      throw new InvalidCiphertextException(e);
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new InvalidCiphertextException();
    }
    return id;
  }

  private record Frame(byte[] body, boolean last) {}

  /** The next frame, or null at a clean end of input. */
  private static Frame readFrame(DataInputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    byte[] rest = new byte[3];
    try {
      in.readFully(rest);
      int word = first << 24 | (rest[0] & 0xff) << 16 | (rest[1] & 0xff) << 8 | (rest[2] & 0xff);
      int length = word & ~FINAL;
      if (length < 1 || length > MAX_FRAME) {
        throw new InvalidCiphertextException();
      }
      byte[] body = new byte[length];
      in.readFully(body);
      return new Frame(body, (word & FINAL) != 0);
    } catch (EOFException e) {
      throw new InvalidCiphertextException(e);
    }
  }

  private static void writeFrame(OutputStream out, byte[] body, boolean last) throws IOException {
    int word = body.length | (last ? FINAL : 0);
    out.write(
        new byte[] {(byte) (word >>> 24), (byte) (word >>> 16), (byte) (word >>> 8), (byte) word});
    out.write(body);
  }

  private static void expectEnd(InputStream in) throws IOException {
    if (in.read() >= 0) {
      throw new InvalidCiphertextException();
    }
  }

  private final class Encrypting extends OutputStream {
    private final OutputStream out;
    private final EncryptionContext context;
    private final byte[] id;
    private final byte[] buffer = new byte[CHUNK];
    private int filled;
    private long index;
    private boolean closed;

    Encrypting(OutputStream out, EncryptionContext context, byte[] id) {
      this.out = out;
      this.context = context;
      this.id = id;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (filled == CHUNK) {
          emit(false); // more data follows, so this chunk is not the last
        }
        int n = Math.min(len, CHUNK - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }

    private void emit(boolean last) throws IOException {
      byte[] plain = Arrays.copyOf(buffer, filled);
      byte[] sealed = envelope.encrypt(plain, chunkContext(context, id, index++, last));
      Arrays.fill(plain, (byte) 0);
      writeFrame(out, sealed, last);
      filled = 0;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        emit(true);
        Arrays.fill(buffer, (byte) 0);
        out.flush();
      }
    }
  }

  private final class Decrypting extends InputStream {
    private final DataInputStream in;
    private final EncryptionContext context;
    private final byte[] id;
    private byte[] plain = new byte[0];
    private int pos;
    private long index;
    private boolean done;

    Decrypting(DataInputStream in, EncryptionContext context, byte[] id) {
      this.in = in;
      this.context = context;
      this.id = id;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (pos == plain.length) {
        if (done) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, plain.length - pos);
      System.arraycopy(plain, pos, b, off, n);
      pos += n;
      return n;
    }

    private void next() throws IOException {
      Frame frame = readFrame(in);
      if (frame == null) {
        throw new InvalidCiphertextException(); // truncated: no final chunk
      }
      byte[] opened = envelope.decrypt(frame.body, chunkContext(context, id, index++, frame.last));
      if (frame.last) {
        expectEnd(in);
        done = true;
      }
      Arrays.fill(plain, (byte) 0);
      plain = opened;
      pos = 0;
    }

    @Override
    public void close() throws IOException {
      Arrays.fill(plain, (byte) 0);
      in.close();
    }
  }
}
