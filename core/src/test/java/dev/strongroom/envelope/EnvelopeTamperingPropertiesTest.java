package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.internal.crypto.Cobblestone;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.testkit.CountingKeyService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Tampering with envelope ciphertexts, single-shot and stream, one and two recipients: every
 * flipped bit, truncation, extension, changed key reference or key id, and changed context fails
 * with {@link InvalidCiphertextException} and nothing else; no plaintext is returned, and a
 * decrypting stream releases nothing beyond the segments before the damage and keeps failing.
 * Hostile length fields are rejected before any key-service call, reading at most {@link
 * EnvelopeHeader#MAX_LENGTH} header bytes.
 */
class EnvelopeTamperingPropertiesTest {
  private static final int TRIES = 300;
  private static final EncryptionContext CONTEXT =
      EncryptionContext.of("table", "users", "column", "email");

  private static final LocalKeyring KEYRING_A = LocalKeyring.inMemory();
  private static final LocalKeyring KEYRING_B = LocalKeyring.inMemory();
  private static final CountingKeyService SERVICE_A;
  private static final CountingKeyService SERVICE_B;
  private static final Kek KEK_A;
  private static final Kek KEK_B;
  private static final Envelope READER_ALL;
  private static final Envelope READER_A;
  private static final Envelope READER_B;
  private static final List<Fixture> FIXTURES = new ArrayList<>();

  static {
    KEYRING_A.createKey("a");
    KEYRING_B.createKey("b");
    SERVICE_A = new CountingKeyService(KEYRING_A);
    SERVICE_B = new CountingKeyService(KEYRING_B);
    KEK_A = Kek.of(SERVICE_A, "a");
    KEK_B = Kek.of(SERVICE_B, "b");
    READER_ALL = Envelope.builder().kek(KEK_A).kek(KEK_B).build();
    READER_A = Envelope.of(KEK_A);
    READER_B = Envelope.of(KEK_B);
    Envelope one = Envelope.of(KEK_A);
    Envelope two = Envelope.builder().kek(KEK_A).kek(KEK_B).build();
    Random random = new Random(42);
    for (Envelope writer : List.of(one, two)) {
      for (int size : new int[] {0, 1, 100, 5000}) {
        FIXTURES.add(Fixture.single(writer, plaintext(random, size)));
      }
      for (int size : new int[] {0, 1, Cobblestone.CHUNK_SIZE, 40_000}) {
        FIXTURES.add(Fixture.stream(writer, plaintext(random, size)));
      }
    }
  }

  /** A valid ciphertext, its plaintext and where its parts are. */
  record Fixture(
      boolean stream,
      int recipients,
      byte[] plaintext,
      byte[] ciphertext,
      int headerLength,
      int[] entryStart,
      int[] entryEnd) {
    static Fixture single(Envelope writer, byte[] plaintext) {
      return of(false, plaintext, writer.encrypt(plaintext, CONTEXT));
    }

    static Fixture stream(Envelope writer, byte[] plaintext) {
      return of(true, plaintext, encryptStream(writer, plaintext, CONTEXT));
    }

    private static Fixture of(boolean stream, byte[] plaintext, byte[] ciphertext) {
      EnvelopeHeader header = EnvelopeHeader.parse(ciphertext);
      int n = header.recipients().size();
      int[] start = new int[n];
      int[] end = new int[n];
      int pos = EnvelopeHeader.FIXED_LENGTH;
      for (int i = 0; i < n; i++) {
        EnvelopeHeader.Recipient r = header.recipients().get(i);
        start[i] = pos;
        pos += 1 + r.ref().length + 2 + r.wrapped().length;
        end[i] = pos;
      }
      return new Fixture(stream, n, plaintext, ciphertext, header.length(), start, end);
    }

    /** Plaintext bytes a stream may release when the first damaged byte is at {@code offset}. */
    long releasableBefore(int offset) {
      int chunks = headerLength + Cobblestone.HEADER_LENGTH;
      if (!stream || offset < chunks) {
        return 0;
      }
      return (long) ((offset - chunks) / (Cobblestone.CHUNK_SIZE + 16)) * Cobblestone.CHUNK_SIZE;
    }

    /** Whether {@code offset} lies in recipient {@code i}'s entry. */
    boolean inEntry(int i, int offset) {
      return offset >= entryStart[i] && offset < entryEnd[i];
    }

    @Override
    public String toString() {
      return (stream ? "stream" : "single")
          + "[recipients="
          + recipients
          + ", plaintext="
          + plaintext.length
          + ", ciphertext="
          + ciphertext.length
          + "]";
    }
  }

  @Provide
  Arbitrary<Fixture> fixtures() {
    return Arbitraries.of(FIXTURES);
  }

  @Provide
  Arbitrary<Fixture> twoRecipientFixtures() {
    return Arbitraries.of(FIXTURES.stream().filter(f -> f.recipients() == 2).toList());
  }

  // --- properties ---

  @Property(tries = TRIES)
  void bitFlip_anywhere_invalidCiphertextOnly(
      @ForAll("fixtures") Fixture f,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(max = 7) int bit,
      @ForAll @IntRange(min = 1, max = 50_000) int readSize) {
    int offset = where % f.ciphertext().length;
    byte[] tampered = f.ciphertext().clone();
    tampered[offset] ^= (byte) (1 << bit);
    if (f.recipients() == 1) {
      assertRejected(f, READER_ALL, tampered, CONTEXT, offset, readSize);
      return;
    }
    // Recipients are not authenticated (so rewrap works): damage to one entry leaves the other
    // usable. Whoever holds only the damaged entry's KEK, or anything outside the entries, fails.
    boolean inA = f.inEntry(0, offset);
    boolean inB = f.inEntry(1, offset);
    checkOpensOrRejected(f, READER_ALL, tampered, CONTEXT, offset, readSize, inA || inB);
    checkOpensOrRejected(f, READER_A, tampered, CONTEXT, offset, readSize, inB);
    checkOpensOrRejected(f, READER_B, tampered, CONTEXT, offset, readSize, inA);
  }

  @Property(tries = TRIES)
  void truncation_anyLength_invalidCiphertextOnly(
      @ForAll("fixtures") Fixture f,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(min = 1, max = 50_000) int readSize) {
    int length = where % f.ciphertext().length;
    byte[] truncated = Arrays.copyOf(f.ciphertext(), length);
    assertRejected(f, READER_ALL, truncated, CONTEXT, length, readSize);
    assertRejected(f, READER_A, truncated, CONTEXT, length, readSize);
  }

  @Property(tries = TRIES)
  void extension_anyAppendedBytes_invalidCiphertextOnly(
      @ForAll("fixtures") Fixture f,
      @ForAll @Size(min = 1, max = 20_000) byte[] appended,
      @ForAll @IntRange(min = 1, max = 50_000) int readSize) {
    byte[] extended = Arrays.copyOf(f.ciphertext(), f.ciphertext().length + appended.length);
    System.arraycopy(appended, 0, extended, f.ciphertext().length, appended.length);
    assertRejected(f, READER_ALL, extended, CONTEXT, f.ciphertext().length, readSize);
  }

  @Property(tries = TRIES)
  void changedKeyRefOrKeyIdByte_holderOfThatKek_invalidCiphertextOnly(
      @ForAll("twoRecipientFixtures") Fixture f,
      @ForAll @IntRange(max = 1) int recipient,
      @ForAll boolean inRef,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    EnvelopeHeader.Recipient r = EnvelopeHeader.parse(f.ciphertext()).recipients().get(recipient);
    int refStart = f.entryStart[recipient] + 1;
    // Tink's 5-byte output prefix: 0x01 and the 4-byte key id.
    int keyIdStart = refStart + r.ref().length + 2 + 1;
    int offset = inRef ? refStart + where % r.ref().length : keyIdStart + where % 4;
    byte[] tampered = f.ciphertext().clone();
    tampered[offset] ^= (byte) xor;
    Envelope holder = recipient == 0 ? READER_A : READER_B;
    int callsBefore = SERVICE_A.calls() + SERVICE_B.calls();

    assertRejected(f, holder, tampered, CONTEXT, offset, 1024);
    if (inRef) {
      assertEquals(callsBefore, SERVICE_A.calls() + SERVICE_B.calls(), "no KEK for an unknown ref");
    }
    checkOpensOrRejected(f, READER_ALL, tampered, CONTEXT, offset, 1024, true);
  }

  @Property(tries = TRIES)
  void changedContext_anyOtherPairs_invalidCiphertextOnly(
      @ForAll("contexts") Map<String, String> original,
      @ForAll("contexts") Map<String, String> other,
      @ForAll boolean stream,
      @ForAll @Size(max = 40_000) byte[] plaintext) {
    if (original.equals(other)) {
      other = new HashMap<>(other);
      other.merge("k", "x", (v, x) -> v + x);
    }
    Envelope writer = Envelope.builder().kek(KEK_A).kek(KEK_B).build();
    EncryptionContext context = EncryptionContext.of(original);
    EncryptionContext changed = EncryptionContext.of(other);
    byte[] ciphertext =
        stream ? encryptStream(writer, plaintext, context) : writer.encrypt(plaintext, context);
    Fixture f = Fixture.of(stream, plaintext, ciphertext);

    assertArrayEquals(plaintext, READER_ALL.decrypt(ciphertext, context));
    assertRejected(f, READER_ALL, ciphertext, changed, f.headerLength(), 4096);
  }

  @Provide
  Arbitrary<Map<String, String>> contexts() {
    Arbitrary<String> keys = Arbitraries.strings().withChars("abck").ofMaxLength(3);
    Arbitrary<String> values = Arbitraries.strings().withChars("xyz\u00e9\u4e2d").ofMaxLength(4);
    return Arbitraries.maps(keys, values).ofMaxSize(3);
  }

  @Property(tries = TRIES)
  void hostileHeader_randomFieldsAfterValidPrefix_readsAtMostBoundAndCallsNoKek(
      @ForAll @IntRange(min = 0, max = 255) int count,
      @ForAll long seed,
      @ForAll boolean plausibleLengths) {
    byte[] prefix = new byte[EnvelopeHeader.FIXED_LENGTH];
    prefix[0] = EnvelopeHeader.VERSION;
    prefix[1] = EnvelopeHeader.SUITE_STREAM;
    prefix[EnvelopeHeader.FIXED_LENGTH - 1] = (byte) count;
    InputStream endless = new EndlessStream(prefix, seed, plausibleLengths);
    CountingInputStream source = new CountingInputStream(endless);
    int callsBefore = SERVICE_A.calls() + SERVICE_B.calls();

    Throwable thrown = attempt(() -> READER_ALL.decryptingStream(source, CONTEXT));

    assertInvalid(thrown);
    assertTrue(
        source.count <= EnvelopeHeader.MAX_LENGTH,
        "read " + source.count + " > " + EnvelopeHeader.MAX_LENGTH);
    assertEquals(callsBefore, SERVICE_A.calls() + SERVICE_B.calls());
  }

  // --- recipients ---

  @Example
  void swappedRecipientOrder_opensUnchanged_becauseRecipientsAreBoundOnlyByTheCommitment() {
    for (Fixture f : FIXTURES) {
      if (f.recipients() != 2) {
        continue;
      }
      byte[] swapped = swapEntries(f);
      // Reordering is what a rewrap may do: the commitment still pins the one DEK both wrap.
      for (Envelope reader : List.of(READER_ALL, READER_A, READER_B)) {
        assertArrayEquals(f.plaintext(), reader.decrypt(swapped, CONTEXT), f.toString());
      }
    }
  }

  @Example
  void swappedWrappedKeysBetweenRecipients_invalidCiphertextOnly() {
    for (Fixture f : FIXTURES) {
      if (f.recipients() != 2) {
        continue;
      }
      List<EnvelopeHeader.Recipient> r = EnvelopeHeader.parse(f.ciphertext()).recipients();
      byte[] tampered =
          replaceRecipients(
              f,
              List.of(
                  new EnvelopeHeader.Recipient(r.get(0).ref(), r.get(1).wrapped()),
                  new EnvelopeHeader.Recipient(r.get(1).ref(), r.get(0).wrapped())));
      for (Envelope reader : List.of(READER_ALL, READER_A, READER_B)) {
        assertRejected(f, reader, tampered, CONTEXT, EnvelopeHeader.FIXED_LENGTH, 4096);
      }
    }
  }

  @Example
  void recipientFromAnotherCiphertext_failsTheKeyCommitment() {
    Envelope other = Envelope.builder().kek(KEK_A).kek(KEK_B).build();
    List<EnvelopeHeader.Recipient> foreign =
        EnvelopeHeader.parse(other.encrypt(new byte[1], CONTEXT)).recipients();
    for (Fixture f : FIXTURES) {
      if (f.recipients() != 2) {
        continue;
      }
      List<EnvelopeHeader.Recipient> r = EnvelopeHeader.parse(f.ciphertext()).recipients();
      byte[] tampered = replaceRecipients(f, List.of(foreign.get(0), r.get(1)));
      assertRejected(f, READER_A, tampered, CONTEXT, EnvelopeHeader.FIXED_LENGTH, 4096);
      assertArrayEquals(f.plaintext(), READER_B.decrypt(tampered, CONTEXT));
    }
  }

  // --- hostile length fields ---

  @Example
  void hostileLengthFields_invalidBeforeAnyKekCallAndWithinTheReadBound() throws IOException {
    byte[] valid = FIXTURES.get(0).ciphertext();
    int ref = EnvelopeHeader.FIXED_LENGTH;
    List<byte[]> hostile = new ArrayList<>();
    hostile.add(with(valid, EnvelopeHeader.FIXED_LENGTH - 1, 255)); // 255 recipients
    hostile.add(with(valid, EnvelopeHeader.FIXED_LENGTH - 1, 9)); // one above the bound
    hostile.add(with(valid, EnvelopeHeader.FIXED_LENGTH - 1, 0)); // none
    hostile.add(with(valid, EnvelopeHeader.FIXED_LENGTH - 1, 8)); // 8 said, 1 present
    hostile.add(with(valid, ref, 0)); // empty reference
    hostile.add(Arrays.copyOf(with(valid, ref, 255), ref + 20)); // ref 255, 19 bytes there
    int wrapped = ref + 1 + KEK_A.ref().length();
    hostile.add(with(with(valid, wrapped, 0xff), wrapped + 1, 0xff)); // wrapped 65535
    hostile.add(with(with(valid, wrapped, 0x04), wrapped + 1, 0x01)); // wrapped 1025
    hostile.add(with(with(valid, wrapped, 0), wrapped + 1, 0)); // wrapped 0
    hostile.add(Arrays.copyOf(with(with(valid, wrapped, 0x01), wrapped + 1, 0xf4), wrapped + 102));
    hostile.add(Arrays.copyOf(valid, EnvelopeHeader.FIXED_LENGTH - 1)); // no count byte
    hostile.add(new byte[0]);
    int callsBefore = SERVICE_A.calls() + SERVICE_B.calls();

    for (byte[] h : hostile) {
      assertInvalid(attempt(() -> READER_ALL.decrypt(h, CONTEXT)));
      byte[] asStream = h.clone();
      if (asStream.length > 1) {
        asStream[1] = EnvelopeHeader.SUITE_STREAM;
      }
      CountingInputStream source = new CountingInputStream(new ByteArrayInputStream(asStream));
      assertInvalid(attempt(() -> READER_ALL.decryptingStream(source, CONTEXT).read()));
      assertTrue(source.count <= EnvelopeHeader.MAX_LENGTH);
      assertInvalid(attempt(() -> READER_ALL.rewrap(h)));
    }

    int body = EnvelopeHeader.parse(valid).length();
    byte[] shortBody = Arrays.copyOf(valid, body + 12 + 15); // a body shorter than nonce and tag
    assertInvalid(attempt(() -> READER_ALL.decrypt(shortBody, CONTEXT)));

    assertEquals(callsBefore, SERVICE_A.calls() + SERVICE_B.calls(), "no KEK call was made");
  }

  @Example
  void streamHeaderReader_validStream_readsExactlyTheHeaderBeforeReturning() throws IOException {
    for (Fixture f : FIXTURES) {
      if (!f.stream()) {
        continue;
      }
      CountingInputStream source =
          new CountingInputStream(new ByteArrayInputStream(f.ciphertext()));
      InputStream in = Envelope.of(KEK_A).decryptingStream(source, CONTEXT);
      assertEquals(f.headerLength(), source.count, f.toString());
      assertArrayEquals(f.plaintext(), in.readAllBytes());
    }
  }

  // --- helpers ---

  private static void checkOpensOrRejected(
      Fixture f,
      Envelope reader,
      byte[] tampered,
      EncryptionContext context,
      int offset,
      int readSize,
      boolean mayOpen) {
    Throwable thrown =
        attempt(() -> assertArrayEquals(f.plaintext(), reader.decrypt(tampered, context)));
    if (thrown == null && mayOpen) {
      return;
    }
    if (thrown instanceof AssertionError) {
      throw (AssertionError) thrown; // opened to a different plaintext
    }
    assertRejected(f, reader, tampered, context, offset, readSize);
  }

  /**
   * Asserts that {@code tampered} fails with InvalidCiphertextException alone, whole and, for a
   * stream, as a stream: one that releases only plaintext of segments before {@code damage} and
   * keeps failing.
   */
  private static void assertRejected(
      Fixture f,
      Envelope reader,
      byte[] tampered,
      EncryptionContext context,
      int damage,
      int readSize) {
    Throwable whole = attempt(() -> reader.decrypt(tampered, context));
    assertNotNull(whole, () -> "decrypt returned plaintext for " + f);
    assertInvalid(whole);
    if (!f.stream()) {
      return;
    }
    InputStream[] opened = new InputStream[1];
    Throwable atOpen =
        attempt(
            () -> opened[0] = reader.decryptingStream(new ByteArrayInputStream(tampered), context));
    if (atOpen != null) {
      assertInvalid(atOpen);
      return;
    }
    InputStream in = opened[0];
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    byte[] buffer = new byte[readSize];
    Throwable failure =
        attempt(
            () -> {
              for (int n; (n = in.read(buffer)) != -1; ) {
                released.write(buffer, 0, n);
              }
            });
    assertNotNull(failure, () -> "the stream ended cleanly for " + f);
    assertInvalid(failure);
    byte[] out = released.toByteArray();
    assertTrue(
        out.length <= f.releasableBefore(damage),
        () -> out.length + " bytes released, more than the segments before " + damage);
    assertArrayEquals(Arrays.copyOf(f.plaintext(), out.length), out, "released a non-prefix");
    assertInvalid(attempt(in::read));
    assertInvalid(attempt(() -> in.read(buffer)));
  }

  private static void assertInvalid(Throwable thrown) {
    assertNotNull(thrown, "expected InvalidCiphertextException but nothing was thrown");
    if (thrown.getClass() != InvalidCiphertextException.class) {
      fail("expected InvalidCiphertextException but was " + thrown, thrown);
    }
    assertEquals(InvalidCiphertextException.MESSAGE, thrown.getMessage());
  }

  /** Runs {@code action} and returns what it threw, of any type, or null. */
  private static Throwable attempt(ThrowingRunnable action) {
    try {
      action.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Throwable;
  }

  private static byte[] plaintext(Random random, int size) {
    byte[] out = new byte[size];
    random.nextBytes(out);
    return out;
  }

  static byte[] encryptStream(Envelope writer, byte[] plaintext, EncryptionContext context) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = writer.encryptingStream(sink, context)) {
      out.write(plaintext);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return sink.toByteArray();
  }

  private static byte[] with(byte[] bytes, int offset, int value) {
    byte[] out = bytes.clone();
    out[offset] = (byte) value;
    return out;
  }

  private static byte[] swapEntries(Fixture f) {
    List<EnvelopeHeader.Recipient> r = EnvelopeHeader.parse(f.ciphertext()).recipients();
    return replaceRecipients(f, List.of(r.get(1), r.get(0)));
  }

  private static byte[] replaceRecipients(Fixture f, List<EnvelopeHeader.Recipient> recipients) {
    byte[] c = f.ciphertext();
    byte[] header =
        EnvelopeHeader.write(
            c[1],
            Arrays.copyOfRange(
                c, EnvelopeHeader.COMMITMENT_OFFSET, EnvelopeHeader.AUTHENTICATED_LENGTH),
            recipients);
    byte[] out = Arrays.copyOf(header, header.length + c.length - f.headerLength());
    System.arraycopy(c, f.headerLength(), out, header.length, c.length - f.headerLength());
    return out;
  }

  /** Counts the bytes read through it. */
  static final class CountingInputStream extends InputStream {
    private final InputStream in;
    long count;

    CountingInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /**
   * A prefix, then pseudo-random bytes forever; with plausible lengths, every byte is small so that
   * length fields stay within their bounds and the reader walks all recipients.
   */
  static final class EndlessStream extends InputStream {
    private final byte[] prefix;
    private final Random random;
    private final boolean plausible;
    private int position;

    EndlessStream(byte[] prefix, long seed, boolean plausible) {
      this.prefix = prefix;
      this.random = new Random(seed);
      this.plausible = plausible;
    }

    @Override
    public int read() {
      if (position < prefix.length) {
        return prefix[position++] & 0xff;
      }
      position++;
      return plausible ? 1 + random.nextInt(3) : random.nextInt(256);
    }
  }
}
