package dev.strongroom.internal.crypto;

import static dev.strongroom.internal.crypto.Cobblestone.CHUNK_SIZE;
import static dev.strongroom.internal.crypto.Cobblestone.ENCRYPTED_CHUNK_SIZE;
import static dev.strongroom.internal.crypto.Cobblestone.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.InvalidCiphertextException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Round trips and tampering with random messages of up to three full chunks plus a partial one.
 * Every tampered ciphertext must fail with InvalidCiphertextException, and nothing past the chunks
 * before the damage may be released.
 */
class CobblestonePropertiesTest {
  private static final int TRIES = 200;

  @Property(tries = TRIES)
  void roundTrip_anyMessageAndIoSizes_returnsMessage(
      @ForAll @IntRange(max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(min = 1, max = 3 * CHUNK_SIZE) int writeSize,
      @ForAll @IntRange(min = 1, max = 3 * CHUNK_SIZE) int readSize,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, writeSize);

    assertEquals(HEADER_LENGTH + s.message.length + (fullChunks + 1) * 16L, s.ct.length);
    Drained d = s.decrypt(s.ct, s.key, s.context, readSize);
    assertNull(d.failure);
    assertArrayEquals(s.message, d.bytes);
  }

  @Property(tries = TRIES)
  void decrypt_flippedBit_failsBeforeTheDamagedChunk(
      @ForAll @IntRange(max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(min = 0) int position,
      @ForAll @IntRange(max = 7) int bit,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE);
    byte[] tampered = s.ct.clone();
    int at = position % tampered.length;
    tampered[at] ^= (byte) (1 << bit);

    s.assertFailsReleasingAtMost(tampered, s.key, s.context, verifiedBefore(at));
  }

  /**
   * Reads with room for a whole chunk open it straight into the caller's array: a damaged chunk
   * leaves none of its plaintext there, the failure sticks, and every chunk before it came out
   * whole.
   */
  @Property(tries = 50)
  void decrypt_wholeChunkReads_damagedChunk_leavesNoPlaintextInTheCallersArray(
      @ForAll @IntRange(min = 1, max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(min = 0, max = ENCRYPTED_CHUNK_SIZE - 1) int offsetInChunk,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE);
    byte[] tampered = s.ct.clone();
    tampered[HEADER_LENGTH + (fullChunks - 1) * ENCRYPTED_CHUNK_SIZE + offsetInChunk] ^= 1;
    byte[] buffer = new byte[CHUNK_SIZE + 7];
    try (InputStream in =
        Cobblestone.decryptingStream(new ByteArrayInputStream(tampered), s.key, s.context)) {
      for (int c = 0; c < fullChunks - 1; c++) {
        assertEquals(CHUNK_SIZE, in.read(buffer, 0, buffer.length));
        assertArrayEquals(
            Arrays.copyOfRange(s.message, c * CHUNK_SIZE, (c + 1) * CHUNK_SIZE),
            Arrays.copyOf(buffer, CHUNK_SIZE));
      }
      Arrays.fill(buffer, (byte) 0);
      assertThrows(InvalidCiphertextException.class, () -> in.read(buffer, 0, buffer.length));
      assertArrayEquals(new byte[buffer.length], buffer, "plaintext of the damaged chunk");
      assertThrows(InvalidCiphertextException.class, () -> in.read(buffer, 0, buffer.length));
      assertThrows(InvalidCiphertextException.class, () -> in.read(buffer, 0, 1));
    }
  }

  @Property(tries = TRIES)
  void decrypt_truncated_fails(
      @ForAll @IntRange(max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(min = 0) int position,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, 1000);
    int cut = position % s.ct.length;

    s.assertFailsReleasingAtMost(
        Arrays.copyOf(s.ct, cut),
        s.key,
        s.context,
        Math.min(s.message.length, verifiedBefore(cut)));
  }

  /** A ciphertext cut right after the header or a full chunk lacks its short final chunk. */
  @Property(tries = TRIES)
  void decrypt_truncatedAtChunkBoundary_fails(
      @ForAll @IntRange(max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(max = 3) int keptChunks,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE);
    int kept = Math.min(keptChunks, fullChunks);
    int cut = HEADER_LENGTH + kept * ENCRYPTED_CHUNK_SIZE;

    s.assertFailsReleasingAtMost(Arrays.copyOf(s.ct, cut), s.key, s.context, kept * CHUNK_SIZE);
  }

  @Property(tries = TRIES)
  void decrypt_trailingBytes_fails(
      @ForAll @IntRange(max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @Size(min = 1, max = 64) byte[] trailing,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, 777);
    byte[] extended = Arrays.copyOf(s.ct, s.ct.length + trailing.length);
    System.arraycopy(trailing, 0, extended, s.ct.length, trailing.length);

    s.assertFailsReleasingAtMost(extended, s.key, s.context, fullChunks * CHUNK_SIZE);
  }

  @Property(tries = TRIES)
  void decrypt_twoChunksSwapped_fails(
      @ForAll @IntRange(min = 1, max = 3) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(max = 3) int first,
      @ForAll @IntRange(min = 1, max = 3) int distance,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE + 1);
    List<byte[]> chunks = chunks(s.ct);
    int i = first % chunks.size();
    int j = (i + distance) % chunks.size();
    if (i == j) {
      j = (i + 1) % chunks.size();
    }
    byte[] swapped = swap(s.ct, chunks, i, j);

    s.assertFailsReleasingAtMost(swapped, s.key, s.context, Math.min(i, j) * CHUNK_SIZE);
  }

  @Property(tries = TRIES)
  void decrypt_wrongContext_failsReleasingNothing(
      @ForAll @IntRange(max = 2) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @Size(max = 16) byte[] otherContext,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE);
    byte[] wrong = Arrays.equals(otherContext, s.context) ? new byte[] {1, 2, 3} : otherContext;

    s.assertFailsReleasingAtMost(s.ct, s.key, wrong, 0);
  }

  @Property(tries = TRIES)
  void decrypt_wrongKey_failsReleasingNothing(
      @ForAll @IntRange(max = 2) int fullChunks,
      @ForAll @IntRange(max = CHUNK_SIZE - 1) int tail,
      @ForAll @IntRange(max = 8 * Cobblestone.KEY_LENGTH - 1) int keyBit,
      @ForAll long seed)
      throws IOException {
    Sample s = new Sample(fullChunks * CHUNK_SIZE + tail, seed, CHUNK_SIZE);
    byte[] wrong = s.key.clone();
    wrong[keyBit / 8] ^= (byte) (1 << (keyBit % 8));

    s.assertFailsReleasingAtMost(s.ct, wrong, s.context, 0);
  }

  /** Plaintext bytes in the whole chunks that end at or before ciphertext offset {@code at}. */
  private static int verifiedBefore(int at) {
    return at < HEADER_LENGTH ? 0 : (at - HEADER_LENGTH) / ENCRYPTED_CHUNK_SIZE * CHUNK_SIZE;
  }

  private static List<byte[]> chunks(byte[] ct) {
    List<byte[]> chunks = new ArrayList<>();
    for (int off = HEADER_LENGTH; off < ct.length; off += ENCRYPTED_CHUNK_SIZE) {
      chunks.add(Arrays.copyOfRange(ct, off, Math.min(ct.length, off + ENCRYPTED_CHUNK_SIZE)));
    }
    return chunks;
  }

  private static byte[] swap(byte[] ct, List<byte[]> chunks, int i, int j) {
    List<byte[]> reordered = new ArrayList<>(chunks);
    reordered.set(i, chunks.get(j));
    reordered.set(j, chunks.get(i));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ct, 0, HEADER_LENGTH);
    reordered.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** A random key, context and message, and the message's ciphertext. */
  private static final class Sample {
    final byte[] key = new byte[Cobblestone.KEY_LENGTH];
    final byte[] context;
    final byte[] message;
    final byte[] ct;
    private final Random random;

    Sample(int length, long seed, int writeSize) throws IOException {
      random = new Random(seed);
      random.nextBytes(key);
      context = new byte[random.nextInt(20)];
      random.nextBytes(context);
      message = new byte[length];
      random.nextBytes(message);
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try (OutputStream out = Cobblestone.encryptingStream(sink, key, context)) {
        for (int off = 0; off < length; off += writeSize) {
          out.write(message, off, Math.min(writeSize, length - off));
        }
      }
      ct = sink.toByteArray();
    }

    Drained decrypt(byte[] ciphertext, byte[] withKey, byte[] withContext, int readSize)
        throws IOException {
      return Drained.from(
          Cobblestone.decryptingStream(new ByteArrayInputStream(ciphertext), withKey, withContext),
          true,
          readSize);
    }

    /**
     * Decrypting must throw InvalidCiphertextException (any other exception escapes and fails the
     * property), keep throwing, and release no more than a prefix of {@code limit} message bytes.
     */
    void assertFailsReleasingAtMost(
        byte[] ciphertext, byte[] withKey, byte[] withContext, int limit) throws IOException {
      Drained d = decrypt(ciphertext, withKey, withContext, 1 + random.nextInt(2 * CHUNK_SIZE));
      assertNotNull(d.failure, "tampered ciphertext decrypted");
      assertTrue(d.bytes.length <= limit, d.bytes.length + " bytes released, limit " + limit);
      assertArrayEquals(Arrays.copyOf(message, d.bytes.length), d.bytes, "released bytes");
    }
  }
}
