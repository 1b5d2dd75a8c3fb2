package dev.strongroom.internal.crypto;

import dev.strongroom.exception.InvalidCiphertextException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/*
 * Design: Cobblestone-256, the C2SP chunked-encryption scheme (c2sp.org/chunked-encryption)
 * instantiated with AES-256-GCM and HKDF-SHA-512.
 *
 * Derivation. key(32) || baseNonce(12) || commitment(32) = HKDF-Expand(prk = input key,
 * info = "c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM" || 0x00 || salt(24) || context, 76).
 * There is no HKDF-Extract step: the input key is used as the PRK.
 *
 * Wire format. salt(24) || commitment(32) || chunk_0 || ... || chunk_n. Every chunk but the last
 * carries exactly CHUNK_SIZE (16 KiB) of plaintext; the last carries fewer, possibly none, so a
 * message of k * 16 KiB ends with an empty chunk. Chunk i is AES-GCM with the derived key, nonce =
 * baseNonce XOR i (big-endian, at most 2^38 chunks) and empty AAD. There is no last-chunk flag: a
 * short chunk is the end-of-message signal, which is why a full-size final chunk means truncation.
 *
 * Streaming rule (encryption). Plaintext is buffered up to CHUNK_SIZE and sealed as soon as the
 * buffer is full (a full chunk is never the last); close() seals what is left, possibly nothing.
 *
 * Streaming rules (decryption).
 * 1. The header is read and the commitment compared in constant time before any chunk is touched.
 * 2. Chunk bytes are read until the buffer holds CHUNK_SIZE + TAG bytes or the source ends. A full
 *    buffer is never the last chunk, so it is decrypted as chunk i and released; no look-ahead is
 *    needed. A short buffer is the last chunk: it must hold at least a tag and verify, and the
 *    source has already reported EOF, so nothing can trail it.
 * 3. Plaintext is released only from a verified chunk: copied out of the verified-chunk buffer, or,
 *    when the caller's read has room for a whole chunk, opened straight into the caller's array by
 *    AesGcm.decrypt, which leaves no plaintext there unless the tag verifies.
 * 4. Any integrity failure is sticky: this and every later read throws the generic
 *    InvalidCiphertextException; a clean EOF is only ever reported after a verified short chunk.
 * Memory is two chunk buffers per stream, whatever the length of the message.
 */
/**
 * Cobblestone-256 (C2SP chunked encryption with AES-256-GCM and HKDF-SHA-512): streaming,
 * key-committing authenticated encryption of messages of any length in constant memory.
 *
 * <p>Thread-safe: the static methods may be called concurrently. The streams they return are not
 * thread-safe and must be used by one thread at a time.
 */
public final class Cobblestone {
  /** Length of the input key and of the derived AEAD key, in bytes. */
  public static final int KEY_LENGTH = AesGcm.KEY_LENGTH;

  /** Length of the random salt that starts every ciphertext. */
  public static final int SALT_LENGTH = 24;

  /** Length of the key commitment that follows the salt. */
  public static final int COMMITMENT_LENGTH = 32;

  /** Length of the header (salt and commitment) that precedes the chunks: 56 bytes. */
  public static final int HEADER_LENGTH = SALT_LENGTH + COMMITMENT_LENGTH;

  /** Plaintext bytes in every chunk but the last, which always holds fewer: 16 KiB. */
  public static final int CHUNK_SIZE = 16 * 1024;

  /** Ciphertext bytes of a full chunk: {@link #CHUNK_SIZE} plus the GCM tag. */
  static final int ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + AesGcm.TAG_LENGTH;

  /** Chunk counters must stay below 2^38, per the specification. */
  static final long MAX_CHUNKS = 1L << 38;

  private static final byte[] INFO_PREFIX =
      "c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\0".getBytes(StandardCharsets.US_ASCII);
  private static final int DERIVED_LENGTH = KEY_LENGTH + AesGcm.NONCE_LENGTH + COMMITMENT_LENGTH;
  private static final byte[] EMPTY = new byte[0];
  private static final SecureRandom RANDOM = new SecureRandom();

  private Cobblestone() {}

  /**
   * Returns a stream that encrypts everything written to it into {@code sink} under a fresh random
   * salt. The header goes out with the first full chunk, flush or close; {@link
   * OutputStream#close()} writes the final chunk and closes {@code sink}, and the ciphertext is
   * incomplete without it.
   *
   * @param key32 the 32-byte input key; copied, so the caller may wipe it afterwards
   * @param context application data bound to the ciphertext (may be empty); copied
   * @throws IllegalArgumentException if {@code key32} is not 32 bytes long
   */
  public static OutputStream encryptingStream(OutputStream sink, byte[] key32, byte[] context) {
    byte[] salt = new byte[SALT_LENGTH];
    RANDOM.nextBytes(salt);
    return encryptingStream(sink, key32, context, salt);
  }

  /**
   * As {@link #encryptingStream(OutputStream, byte[], byte[])} with the given salt; for tests and
   * known-answer vectors only, since a repeated salt repeats the derived key and nonces.
   */
  public static OutputStream encryptingStream(
      OutputStream sink, byte[] key32, byte[] context, byte[] salt) {
    Objects.requireNonNull(sink, "sink");
    checkLength("salt", salt, SALT_LENGTH);
    byte[] derived = derive(key32, salt, context);
    byte[] header = Arrays.copyOf(salt, HEADER_LENGTH);
    System.arraycopy(
        derived, KEY_LENGTH + AesGcm.NONCE_LENGTH, header, SALT_LENGTH, COMMITMENT_LENGTH);
    return new EncryptingStream(sink, derived, header);
  }

  /**
   * Returns a stream that reads a ciphertext from {@code source} and yields its plaintext, one
   * verified chunk at a time. The header is read on the first read. Any integrity failure
   * (commitment, tag, truncation, trailing data, reordering) throws {@link
   * InvalidCiphertextException} from that read and every later one; by then only the plaintext of
   * chunks that verified has been released. {@link InputStream#close()} closes {@code source}.
   *
   * @param key32 the 32-byte input key; copied, so the caller may wipe it afterwards
   * @param context the context the ciphertext was made with; copied
   * @throws IllegalArgumentException if {@code key32} is not 32 bytes long
   */
  public static InputStream decryptingStream(InputStream source, byte[] key32, byte[] context) {
    Objects.requireNonNull(source, "source");
    checkLength("key", key32, KEY_LENGTH);
    Objects.requireNonNull(context, "context");
    return new DecryptingStream(source, key32.clone(), context.clone(), null);
  }

  /** Raw mode (spec appendix): chunks only, under a given AEAD key and base nonce; for tests. */
  static OutputStream rawEncryptingStream(OutputStream sink, byte[] aeadKey, byte[] baseNonce) {
    Objects.requireNonNull(sink, "sink");
    return new EncryptingStream(sink, rawKeyAndNonce(aeadKey, baseNonce), EMPTY);
  }

  /** Raw mode (spec appendix): decrypts chunks without a header; for tests. */
  static InputStream rawDecryptingStream(InputStream source, byte[] aeadKey, byte[] baseNonce) {
    Objects.requireNonNull(source, "source");
    return new DecryptingStream(source, null, null, rawKeyAndNonce(aeadKey, baseNonce));
  }

  /** Returns {@code key || baseNonce || commitment} for the given input key, salt and context. */
  private static byte[] derive(byte[] key32, byte[] salt, byte[] context) {
    checkLength("key", key32, KEY_LENGTH);
    Objects.requireNonNull(context, "context");
    byte[] info = new byte[INFO_PREFIX.length + SALT_LENGTH + context.length];
    System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
    System.arraycopy(salt, 0, info, INFO_PREFIX.length, SALT_LENGTH);
    System.arraycopy(context, 0, info, INFO_PREFIX.length + SALT_LENGTH, context.length);
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA512Digest());
    hkdf.init(HKDFParameters.skipExtractParameters(key32, info));
    byte[] derived = new byte[DERIVED_LENGTH];
    hkdf.generateBytes(derived, 0, DERIVED_LENGTH);
    return derived;
  }

  private static byte[] rawKeyAndNonce(byte[] aeadKey, byte[] baseNonce) {
    checkLength("aeadKey", aeadKey, KEY_LENGTH);
    checkLength("baseNonce", baseNonce, AesGcm.NONCE_LENGTH);
    byte[] keyAndNonce = Arrays.copyOf(aeadKey, KEY_LENGTH + AesGcm.NONCE_LENGTH);
    System.arraycopy(baseNonce, 0, keyAndNonce, KEY_LENGTH, AesGcm.NONCE_LENGTH);
    return keyAndNonce;
  }

  private static void checkLength(String name, byte[] value, int expected) {
    Objects.requireNonNull(value, name);
    if (value.length != expected) {
      throw new IllegalArgumentException(
          "expected a " + expected + "-byte " + name + " but was " + value.length + " bytes");
    }
  }

  /** The per-message AEAD key and nonce sequence, taken from the first 44 derived bytes. */
  private static final class ChunkCipher {
    private final SecretKey key;
    private final byte[] baseNonce;
    private final byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
    private long counter;

    ChunkCipher(byte[] keyAndNonce) {
      key = new SecretKeySpec(keyAndNonce, 0, KEY_LENGTH, "AES");
      baseNonce = Arrays.copyOfRange(keyAndNonce, KEY_LENGTH, KEY_LENGTH + AesGcm.NONCE_LENGTH);
      Arrays.fill(keyAndNonce, (byte) 0);
    }

    /** Sets {@link #nonce} for the next chunk and advances the counter; false past 2^38. */
    boolean nextNonce() {
      if (counter >= MAX_CHUNKS) {
        return false;
      }
      System.arraycopy(baseNonce, 0, nonce, 0, nonce.length);
      for (int i = 0; i < Long.BYTES; i++) {
        nonce[nonce.length - 1 - i] ^= (byte) (counter >>> (8 * i));
      }
      counter++;
      return true;
    }

    int seal(byte[] in, int inOff, int inLen, byte[] out) {
      return AesGcm.encrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, in, inOff, inLen, out, 0);
    }

    int open(byte[] in, int inLen, byte[] out, int outOff) throws AEADBadTagException {
      return AesGcm.decrypt(key, nonce, 0, EMPTY, 0, 0, EMPTY, in, 0, inLen, out, outOff);
    }
  }

  /** Buffers up to one chunk of plaintext and seals it as soon as it is full. */
  private static final class EncryptingStream extends OutputStream {
    private final OutputStream sink;
    private final ChunkCipher cipher;
    private final byte[] plaintext = new byte[CHUNK_SIZE];
    private final byte[] ciphertext = new byte[ENCRYPTED_CHUNK_SIZE];
    private final byte[] single = new byte[1];
    private byte[] header;
    private int buffered;
    private boolean closed;
    private boolean failed;

    EncryptingStream(OutputStream sink, byte[] keyAndNonce, byte[] header) {
      this.sink = sink;
      this.cipher = new ChunkCipher(keyAndNonce);
      this.header = header;
    }

    @Override
    public void write(int b) throws IOException {
      single[0] = (byte) b;
      write(single, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ensureOpen();
      while (len > 0) {
        int n;
        if (buffered == 0 && len >= CHUNK_SIZE) {
          n = CHUNK_SIZE;
          sealChunk(b, off, CHUNK_SIZE);
        } else {
          n = Math.min(len, CHUNK_SIZE - buffered);
          System.arraycopy(b, off, plaintext, buffered, n);
          buffered += n;
          if (buffered == CHUNK_SIZE) {
            sealChunk(plaintext, 0, CHUNK_SIZE);
            buffered = 0;
          }
        }
        off += n;
        len -= n;
      }
    }

    /** Flushes the sink; the buffered partial chunk stays buffered until it fills or closes. */
    @Override
    public void flush() throws IOException {
      ensureOpen();
      writeOut(EMPTY, 0);
      sink.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (OutputStream s = sink) {
        if (!failed) {
          sealChunk(plaintext, 0, buffered);
          s.flush();
        }
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (failed) {
        throw new IOException("an earlier write failed; the ciphertext is incomplete");
      }
    }

    private void sealChunk(byte[] in, int off, int len) throws IOException {
      if (!cipher.nextNonce()) {
        failed = true;
        throw new IllegalStateException("expected at most 2^38 chunks but the message is longer");
      }
      writeOut(ciphertext, cipher.seal(in, off, len, ciphertext));
    }

    /** Writes the header if it is still pending, then {@code data[0, len)}. */
    private void writeOut(byte[] data, int len) throws IOException {
      try {
        if (header.length > 0) {
          sink.write(header);
          header = EMPTY;
        }
        sink.write(data, 0, len);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }
  }

  /** Reads, verifies and releases one chunk at a time; see the design notes at the top. */
  private static final class DecryptingStream extends InputStream {
    private final InputStream source;
    private final byte[] ciphertext = new byte[ENCRYPTED_CHUNK_SIZE];
    private final byte[] plaintext = new byte[CHUNK_SIZE];
    private byte[] inputKey;
    private byte[] context;
    private ChunkCipher cipher;
    private int position;
    private int limit;
    private boolean lastChunkRead;
    private boolean closed;
    private boolean corrupt;
    private IOException ioFailure;

    /** Either {@code inputKey} and {@code context} (header mode) or {@code keyAndNonce} (raw). */
    DecryptingStream(InputStream source, byte[] inputKey, byte[] context, byte[] keyAndNonce) {
      this.source = source;
      this.inputKey = inputKey;
      this.context = context;
      this.cipher = keyAndNonce == null ? null : new ChunkCipher(keyAndNonce);
    }

    @Override
    public int read() throws IOException {
      return ensurePlaintext() ? plaintext[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        ensureOpen();
        return 0;
      }
      if (position == limit && len >= CHUNK_SIZE) {
        return openInto(b, off); // a whole chunk fits: no copy through the chunk buffer
      }
      if (!ensurePlaintext()) {
        return -1;
      }
      int n = Math.min(len, limit - position);
      System.arraycopy(plaintext, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() throws IOException {
      ensureOpen();
      return limit - position;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      position = limit = 0;
      Arrays.fill(plaintext, (byte) 0);
      if (inputKey != null) {
        Arrays.fill(inputKey, (byte) 0);
      }
      source.close();
    }

    /**
     * Opens the next chunk straight into {@code out} at {@code outOff}, which has room for a whole
     * chunk; the number of plaintext bytes, or -1 at the end of a verified message. Rule 3 holds:
     * {@link AesGcm#decrypt} leaves no plaintext in {@code out} unless the chunk's tag verifies.
     */
    private int openInto(byte[] out, int outOff) throws IOException {
      ensureOpen();
      while (!lastChunkRead) {
        int n = openNext(out, outOff);
        if (n > 0) {
          return n;
        }
      }
      return -1;
    }

    /** Makes verified plaintext available; false at the end of a verified message. */
    private boolean ensurePlaintext() throws IOException {
      ensureOpen();
      while (position == limit && !lastChunkRead) {
        limit = openNext(plaintext, 0);
        position = 0;
      }
      return position < limit;
    }

    /**
     * Reads the header if it is still unread, then opens the next chunk into {@code out} at {@code
     * outOff}; a failure is remembered, so every later read fails too (rule 4).
     */
    private int openNext(byte[] out, int outOff) throws IOException {
      try {
        if (cipher == null) {
          readHeader();
        }
        return openNextChunk(out, outOff);
      } catch (InvalidCiphertextException e) {
        corrupt = true;
        throw e;
      } catch (IOException e) {
        ioFailure = e;
        throw e;
      }
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (corrupt) {
        throw new InvalidCiphertextException();
      }
      if (ioFailure != null) {
        throw new IOException("an earlier read failed", ioFailure);
      }
    }

    private void readHeader() throws IOException {
      byte[] header = new byte[HEADER_LENGTH];
      if (source.readNBytes(header, 0, HEADER_LENGTH) < HEADER_LENGTH) {
        throw new InvalidCiphertextException();
      }
      byte[] derived = derive(inputKey, Arrays.copyOf(header, SALT_LENGTH), context);
      Arrays.fill(inputKey, (byte) 0);
      inputKey = null;
      context = null;
      byte[] commitment =
          Arrays.copyOfRange(derived, DERIVED_LENGTH - COMMITMENT_LENGTH, DERIVED_LENGTH);
      if (!MessageDigest.isEqual(
          commitment, Arrays.copyOfRange(header, SALT_LENGTH, HEADER_LENGTH))) {
        Arrays.fill(derived, (byte) 0);
        throw new InvalidCiphertextException();
      }
      cipher = new ChunkCipher(derived);
    }

    /**
     * Reads a full chunk or, at the end of the source, the short final chunk, and opens it into
     * {@code out} at {@code outOff}; returns the number of plaintext bytes.
     */
    private int openNextChunk(byte[] out, int outOff) throws IOException {
      int n = source.readNBytes(ciphertext, 0, ENCRYPTED_CHUNK_SIZE);
      lastChunkRead = n < ENCRYPTED_CHUNK_SIZE;
      if (n < AesGcm.TAG_LENGTH || !cipher.nextNonce()) {
        throw new InvalidCiphertextException();
      }
      try {
        return cipher.open(ciphertext, n, out, outOff);
      } catch (AEADBadTagException e) {
        throw new InvalidCiphertextException(e);
      }
    }
  }
}
