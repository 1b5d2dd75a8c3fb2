package dev.strongroom.envelope;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.crypto.AesGcm;
import dev.strongroom.internal.crypto.Cobblestone;
import dev.strongroom.internal.crypto.GcmProvider;
import dev.strongroom.internal.crypto.Nonces;
import dev.strongroom.internal.crypto.Snapshots;
import dev.strongroom.internal.envelope.DataKeyMaterial;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.internal.envelope.EnvelopeHeader.Recipient;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import org.jspecify.annotations.Nullable;

/**
 * Envelope encryption with cached data keys. {@link #encrypt} seals data under a data key (DEK)
 * that the configured KEKs wrap; the DEK is reused within the limits of a {@link
 * DataKeyCachePolicy}, so thousands of messages cost one KEK call. {@link #decrypt} caches
 * unwrapped DEKs by their wrapped form under the same limits. Both bind an {@link
 * EncryptionContext}.
 *
 * <p>Design: a single-shot message is {@code header || nonce || AES-256-GCM(body) || tag}. The AES
 * key and a key commitment are derived from the DEK once (HKDF-SHA-256); the nonce is 12 random
 * bytes per message, so that a process snapshot restored twice with the DEK cached repeats no (DEK,
 * nonce) pair (an encryption DEK is made in this process and never reloaded to encrypt; before a
 * CRaC checkpoint it is dropped). So the hot path is a volatile read, two atomic increments, 12
 * random bytes and one AES-GCM call on a per-thread {@code Cipher} (sliced above 64 KiB, on ACCP
 * where that is faster; see {@code AesGcm}). An envelope encrypts under one DEK at a time, held in
 * a volatile slot and replaced under a lock (single flight); unwrapped DEKs live in a bounded
 * Caffeine cache keyed by the header that carries them, and the entry used last is compared byte
 * for byte first, so a decryption hit allocates nothing but its output. The associated data is the
 * version, suite and commitment plus the canonical context; recipients are not in it, which is what
 * lets {@link #rewrap} replace wrapped DEKs without touching the body, while the commitment still
 * pins the one DEK they may hold. Streams use the C2SP Cobblestone-256 construction under a key
 * derived from the DEK. The format is documented byte by byte in docs/FORMAT.md.
 *
 * <p>Thread-safe: one instance serves all threads of a service; concurrent misses for a DEK cause
 * one KEK call. Every integrity failure is an {@link InvalidCiphertextException} with one generic
 * message and releases no plaintext.
 */
public final class Envelope {
  private static final byte[] WRAP_AAD = "strongroom dek v1".getBytes(StandardCharsets.UTF_8);

  /** Random 96-bit nonces stay safe for 2^32 messages under one key (NIST SP 800-38D, 8.3). */
  static final long MAX_RANDOM_NONCES = 1L << 32;

  private final List<Kek> recipients;
  private final List<Kek> decryptionKeks;
  private final DataKeyCachePolicy policy;
  private final Clock clock;
  private final long maxAgeMillis;
  private final Cache<ByteBuffer, DataKeyMaterial> decryptionKeys;

  /**
   * The encryption DEK in use; replaced under {@link #encryptionKeyLock}, so a miss is one KEK
   * call. A lock, not a monitor: the KEK call is I/O, and a virtual thread blocked in I/O while
   * holding a monitor pins its carrier on JDK 21 to 23.
   */
  private volatile @Nullable DataKeyMaterial encryptionKey;

  private final ReentrantLock encryptionKeyLock = new ReentrantLock();

  /** Unwraps under way, by cache key: concurrent misses for one DEK wait for one KEK call. */
  private final ConcurrentHashMap<ByteBuffer, CompletableFuture<DataKeyMaterial>> unwrapping =
      new ConcurrentHashMap<>();

  /** The provider chosen in the builder, and its fixed GCM provider (null: per message). */
  private final CryptoProvider provider;

  private final @Nullable GcmProvider gcm;

  /** The decryption entry used last: the hot path compares header bytes, allocating nothing. */
  private volatile @Nullable DecryptionEntry lastDecryption;

  private final LongAdder encryptHits = new LongAdder();
  private final LongAdder encryptMisses = new LongAdder();
  private final LongAdder decryptHits = new LongAdder();
  private final LongAdder decryptMisses = new LongAdder();
  private final LongAdder kekCalls = new LongAdder();

  /** Nonces: random (the default) or the message counter (format vectors only). */
  private final boolean counterNonces;

  /** Messages per encryption DEK: at most 2^32 with random nonces (NIST SP 800-38D, 8.3). */
  private final long maxMessages;

  /** Drops the encryption DEK before a CRaC checkpoint; null without org.crac. Held strongly. */
  private final Object checkpointHook;

  private Envelope(Builder builder) {
    this.recipients = List.copyOf(builder.recipients);
    List<Kek> all = new ArrayList<>(recipients);
    all.addAll(builder.decryptOnly);
    this.decryptionKeks = List.copyOf(all);
    this.policy = builder.policy;
    this.clock = builder.clock;
    this.maxAgeMillis = policy.maxAge().toMillis();
    this.counterNonces = builder.counterNonces;
    this.provider = builder.provider;
    this.gcm = builder.provider.fixed();
    this.maxMessages =
        counterNonces ? policy.maxMessages() : Math.min(policy.maxMessages(), MAX_RANDOM_NONCES);
    this.checkpointHook = Snapshots.onCheckpoint(this, Envelope::dropEncryptionKey);
    this.decryptionKeys =
        Caffeine.newBuilder()
            .maximumSize(policy.maxDecryptionKeys())
            .executor(Runnable::run) // evict on the caller's thread: the bound holds at once
            .expireAfterWrite(policy.maxAge().toNanos(), TimeUnit.NANOSECONDS)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  /** A builder; at least one KEK is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** An envelope whose DEKs are wrapped by {@code kek} alone, with the default cache policy. */
  public static Envelope of(Kek kek) {
    return builder().kek(kek).build();
  }

  /**
   * Encrypts {@code plaintext} and binds {@code context}.
   *
   * @throws BackendUnavailableException if a new DEK was needed and a key service is down
   */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    DataKeyMaterial material;
    long number;
    if (plaintext.length > policy.maxBytes()) {
      material = newEncryptionMaterial(); // too large for any cached DEK: a DEK of its own
      number = 1;
    } else {
      Reservation reservation = reserveEncryption(plaintext.length);
      material = reservation.material();
      number = reservation.number();
    }
    byte[] header = material.header();
    int nonceOffset = header.length;
    int bodyOffset = nonceOffset + AesGcm.NONCE_LENGTH;
    byte[] out = new byte[bodyOffset + plaintext.length + AesGcm.TAG_LENGTH];
    System.arraycopy(header, 0, out, 0, header.length);
    writeNonce(out, nonceOffset, number);
    AesGcm.encrypt(
        gcm,
        material.aeadKey(),
        out,
        nonceOffset,
        out,
        0,
        EnvelopeHeader.AUTHENTICATED_LENGTH,
        context.canonicalBytes(),
        plaintext,
        0,
        plaintext.length,
        out,
        bodyOffset);
    return out;
  }

  /**
   * Returns a stream that encrypts what is written to it into {@code sink}, in constant memory, and
   * binds {@code context}. Closing it writes the final segment and closes {@code sink}; a stream
   * that is not closed is detected as truncated when decrypted. A stream counts as one message
   * against the cache's message limit.
   *
   * @throws BackendUnavailableException if a new DEK was needed and a key service is down
   */
  public OutputStream encryptingStream(OutputStream sink, EncryptionContext context)
      throws IOException {
    return encryptingStream(sink, context, null);
  }

  /**
   * As {@link #encryptingStream(OutputStream, EncryptionContext)}; a non-null salt is for vectors.
   */
  OutputStream encryptingStream(
      OutputStream sink, EncryptionContext context, byte @Nullable [] salt) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(context, "context");
    DataKeyMaterial material = reserveEncryption(0).material();
    byte[] header = material.header().clone();
    header[1] = EnvelopeHeader.SUITE_STREAM;
    sink.write(header);
    byte[] streamContext = streamContext(header, context);
    return salt == null
        ? Cobblestone.encryptingStream(sink, material.streamKey(), streamContext)
        : Cobblestone.encryptingStream(sink, material.streamKey(), streamContext, salt);
  }

  /**
   * Returns a stream of the plaintext of {@code source}, made by {@link #encryptingStream} with the
   * same context. It releases no byte of a segment before that segment is authenticated, reports
   * truncation, reordering and trailing data as {@link InvalidCiphertextException}, and keeps
   * failing after a failure. The header is read, and the DEK unwrapped, before this returns.
   *
   * @throws InvalidCiphertextException if the header does not verify or no configured KEK opens it
   */
  public InputStream decryptingStream(InputStream source, EncryptionContext context)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(context, "context");
    byte[] headerBytes = EnvelopeHeader.readFrom(source);
    EnvelopeHeader header = EnvelopeHeader.parse(headerBytes);
    if (header.suite() != EnvelopeHeader.SUITE_STREAM) {
      throw new InvalidCiphertextException();
    }
    DataKeyMaterial material = decryptionMaterial(headerBytes, header, 0);
    return Cobblestone.decryptingStream(
        source, material.streamKey(), streamContext(headerBytes, context));
  }

  /**
   * Decrypts a ciphertext made by {@link #encrypt} with the same context.
   *
   * @throws InvalidCiphertextException if anything about it does not verify, or no configured KEK
   *     opens it
   * @throws BackendUnavailableException if the key services that could open it are down
   */
  public byte[] decrypt(byte[] ciphertext, EncryptionContext context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    int headerLength = EnvelopeHeader.measure(ciphertext);
    if (ciphertext[1] == EnvelopeHeader.SUITE_STREAM) {
      try (InputStream in = decryptingStream(new ByteArrayInputStream(ciphertext), context)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayInputStream does not fail
      }
    }
    int nonceOffset = headerLength;
    int bodyOffset = nonceOffset + AesGcm.NONCE_LENGTH;
    int bodyLength = ciphertext.length - bodyOffset;
    if (bodyLength < AesGcm.TAG_LENGTH) {
      throw new InvalidCiphertextException();
    }
    long plaintextLength = (long) bodyLength - AesGcm.TAG_LENGTH;
    DecryptionEntry last = lastDecryption;
    DataKeyMaterial material;
    if (last != null
        && plaintextLength <= policy.maxBytes()
        && last.matches(ciphertext, headerLength)
        && reserve(last.material(), plaintextLength) > 0) {
      decryptHits.increment();
      material = last.material();
    } else {
      material = decryptionMaterial(ciphertext, EnvelopeHeader.parse(ciphertext), plaintextLength);
    }
    byte[] out = new byte[bodyLength - AesGcm.TAG_LENGTH];
    try {
      AesGcm.decrypt(
          gcm,
          material.aeadKey(),
          ciphertext,
          nonceOffset,
          ciphertext,
          0,
          EnvelopeHeader.AUTHENTICATED_LENGTH,
          context.canonicalBytes(),
          ciphertext,
          bodyOffset,
          bodyLength,
          out,
          0);
    } catch (AEADBadTagException e) {
      throw new InvalidCiphertextException(e);
    }
    return out;
  }

  /**
   * Returns {@code ciphertext} with its DEK rewrapped under the primary version of each KEK this
   * envelope knows, without decrypting the data. Recipients of unknown KEKs are kept as they are.
   *
   * @throws InvalidCiphertextException if the header is malformed or a wrapped DEK does not open
   */
  public byte[] rewrap(byte[] ciphertext) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    EnvelopeHeader header = EnvelopeHeader.parse(ciphertext);
    byte[] newHeader = rewrapHeader(ciphertext, header);
    byte[] out = new byte[newHeader.length + ciphertext.length - header.length()];
    System.arraycopy(newHeader, 0, out, 0, newHeader.length);
    System.arraycopy(
        ciphertext, header.length(), out, newHeader.length, ciphertext.length - header.length());
    return out;
  }

  /**
   * Copies a ciphertext (single-shot or stream) from {@code source} to {@code sink} with its DEK
   * rewrapped as {@link #rewrap(byte[])} does; the body is copied as it is, in constant memory.
   */
  public void rewrap(InputStream source, OutputStream sink) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sink, "sink");
    byte[] headerBytes = EnvelopeHeader.readFrom(source);
    sink.write(rewrapHeader(headerBytes, EnvelopeHeader.parse(headerBytes)));
    source.transferTo(sink);
  }

  private byte[] rewrapHeader(byte[] headerBytes, EnvelopeHeader header) {
    List<Recipient> rewrapped = new ArrayList<>(header.recipients().size());
    List<Kek> tried = new ArrayList<>(header.recipients().size());
    boolean known = false;
    for (Recipient recipient : header.recipients()) {
      Kek kek = find(recipient.ref());
      if (kek == null) {
        rewrapped.add(recipient);
        continue;
      }
      if (seen(tried, kek)) {
        continue; // a repeated recipient: rewrapped once, written once
      }
      known = true;
      kekCalls.increment();
      WrappedKey wrapped =
          kek.service().rewrap(new UnwrapRequest(kek.name(), recipient.wrapped(), WRAP_AAD));
      rewrapped.add(new Recipient(recipient.ref(), wrapped.wrapped()));
    }
    if (!known) {
      throw new InvalidCiphertextException();
    }
    byte[] commitment =
        Arrays.copyOfRange(
            headerBytes,
            EnvelopeHeader.COMMITMENT_OFFSET,
            EnvelopeHeader.COMMITMENT_OFFSET + DataKeyMaterial.COMMITMENT_LENGTH);
    return EnvelopeHeader.write(header.suite(), commitment, rewrapped);
  }

  /** A snapshot of the cache counters. */
  public EnvelopeStats stats() {
    return new EnvelopeStats(
        encryptHits.sum(),
        encryptMisses.sum(),
        decryptHits.sum(),
        decryptMisses.sum(),
        kekCalls.sum());
  }

  /** Forgets every cached DEK; the next message makes or unwraps a fresh one. */
  public void invalidateCaches() {
    encryptionKeyLock.lock();
    try {
      encryptionKey = null;
    } finally {
      encryptionKeyLock.unlock();
    }
    lastDecryption = null;
    decryptionKeys.invalidateAll();
  }

  /**
   * A cached decryption DEK and its cache key: the header with the suite byte zeroed (streams and
   * messages under one DEK share the entry).
   */
  private record DecryptionEntry(byte[] header, DataKeyMaterial material) {
    boolean matches(byte[] ciphertext, int headerLength) {
      return headerLength == header.length
          && ciphertext[0] == header[0]
          && Arrays.equals(ciphertext, 2, headerLength, header, 2, headerLength);
    }
  }

  /** One message reserved under a DEK: the DEK's materials and the message's number (nonce). */
  private record Reservation(DataKeyMaterial material, long number) {}

  private Reservation reserveEncryption(long length) {
    DataKeyMaterial material = encryptionKey;
    long number = material == null ? -1 : reserve(material, length);
    if (material != null && number > 0) {
      encryptHits.increment();
      return new Reservation(material, number);
    }
    encryptMisses.increment();
    do {
      material = replaceEncryptionKey(material);
      number = reserve(material, length);
    } while (number < 0);
    return new Reservation(material, number);
  }

  /**
   * Single flight: the first thread to find {@code exhausted} in use makes the new DEK; threads
   * that queued behind it on the lock take that one.
   */
  private DataKeyMaterial replaceEncryptionKey(@Nullable DataKeyMaterial exhausted) {
    encryptionKeyLock.lock();
    try {
      DataKeyMaterial current = encryptionKey;
      if (current == null || current == exhausted) {
        current = newEncryptionMaterial();
        encryptionKey = current;
      }
      return current;
    } finally {
      encryptionKeyLock.unlock();
    }
  }

  private static byte[] streamContext(byte[] header, EncryptionContext context) {
    byte[] canonical = context.canonicalBytes();
    byte[] out = new byte[EnvelopeHeader.AUTHENTICATED_LENGTH + canonical.length];
    System.arraycopy(header, 0, out, 0, EnvelopeHeader.AUTHENTICATED_LENGTH);
    System.arraycopy(canonical, 0, out, EnvelopeHeader.AUTHENTICATED_LENGTH, canonical.length);
    return out;
  }

  private long reserve(DataKeyMaterial material, long length) {
    return material.reserve(length, clock.millis(), maxAgeMillis, maxMessages, policy.maxBytes());
  }

  private DataKeyMaterial newEncryptionMaterial() {
    Kek primary = recipients.get(0);
    kekCalls.increment();
    GeneratedKey generated =
        primary.service().generate(new WrapRequest.Generate(primary.name(), WRAP_AAD));
    SecretValue dataKey = generated.dataKey();
    byte[] dek = dataKey.copyBytes();
    try {
      List<Recipient> wrapped = new ArrayList<>(recipients.size());
      wrapped.add(new Recipient(refBytes(primary), generated.wrapped().wrapped()));
      for (Kek kek : recipients.subList(1, recipients.size())) {
        kekCalls.increment();
        WrappedKey w = kek.service().wrap(new WrapRequest(kek.name(), dataKey, WRAP_AAD));
        wrapped.add(new Recipient(refBytes(kek), w.wrapped()));
      }
      byte[] commitment = DataKeyMaterial.derive(dek)[2];
      byte[] header = EnvelopeHeader.write(EnvelopeHeader.SUITE_SINGLE, commitment, wrapped);
      return DataKeyMaterial.of(dek, header, clock.millis());
    } finally {
      Arrays.fill(dek, (byte) 0);
      dataKey.wipe();
    }
  }

  /** The materials to open a message of {@code length} plaintext bytes under {@code header}. */
  private DataKeyMaterial decryptionMaterial(
      byte[] ciphertext, EnvelopeHeader header, long length) {
    if (length > policy.maxBytes()) {
      decryptMisses.increment(); // too large for any cached DEK, as when it was encrypted
      return unwrap(ciphertext, header);
    }
    ByteBuffer key = ByteBuffer.wrap(Arrays.copyOf(ciphertext, header.length()));
    key.put(1, (byte) 0); // the suite does not change the DEK: streams and messages share entries
    DataKeyMaterial material = decryptionKeys.getIfPresent(key);
    if (material != null && reserve(material, length) > 0) {
      decryptHits.increment();
    } else {
      decryptMisses.increment();
      do {
        if (material != null) {
          decryptionKeys.asMap().remove(key, material);
        }
        material = loadDecryptionKey(key, ciphertext, header);
      } while (reserve(material, length) < 0);
    }
    lastDecryption = new DecryptionEntry(key.array(), material);
    return material;
  }

  /**
   * The cached materials under {@code key}, or one KEK unwrap for all concurrent callers (single
   * flight). The KEK call runs outside any monitor ({@code Cache.get(key, loader)} would run it
   * inside {@code ConcurrentHashMap.compute}, which holds the bin's monitor across the call and so
   * pins a virtual thread's carrier on JDK 21 to 23, and blocks other keys in the same bin).
   */
  private DataKeyMaterial loadDecryptionKey(
      ByteBuffer key, byte[] ciphertext, EnvelopeHeader header) {
    DataKeyMaterial cached = decryptionKeys.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    CompletableFuture<DataKeyMaterial> mine = new CompletableFuture<>();
    CompletableFuture<DataKeyMaterial> theirs = unwrapping.putIfAbsent(key, mine);
    if (theirs != null) {
      try {
        return theirs.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause; // the typed failure of the one unwrap, as Caffeine's loader would throw it
        }
        throw e;
      }
    }
    try {
      DataKeyMaterial material = decryptionKeys.getIfPresent(key);
      if (material == null) {
        material = unwrap(ciphertext, header);
        decryptionKeys.put(key, material);
      }
      mine.complete(material);
      return material;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      unwrapping.remove(key, mine);
    }
  }

  private DataKeyMaterial unwrap(byte[] headerBytes, EnvelopeHeader header) {
    List<StrongroomException> failures = new ArrayList<>();
    boolean onlyUnavailable = true;
    List<Kek> tried = new ArrayList<>(header.recipients().size());
    for (Recipient recipient : header.recipients()) {
      Kek kek = find(recipient.ref());
      if (kek == null || seen(tried, kek)) {
        continue; // unknown, or a KEK already tried: a repeated recipient costs nothing
      }
      SecretValue dek;
      try {
        kekCalls.increment();
        dek = kek.service().unwrap(new UnwrapRequest(kek.name(), recipient.wrapped(), WRAP_AAD));
      } catch (BackendUnavailableException e) {
        failures.add(e);
        continue;
      } catch (InvalidCiphertextException | NotFoundException e) {
        onlyUnavailable = false;
        failures.add(e);
        continue;
      }
      byte[] bytes = dek.copyBytes();
      dek.wipe();
      try {
        DataKeyMaterial material = DataKeyMaterial.of(bytes, null, clock.millis());
        if (!material.commitsTo(headerBytes, EnvelopeHeader.COMMITMENT_OFFSET)) {
          throw new InvalidCiphertextException();
        }
        return material;
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
    StrongroomException failure =
        !failures.isEmpty() && onlyUnavailable
            ? new BackendUnavailableException(
                "no key service that could open the ciphertext answered")
            : new InvalidCiphertextException();
    failures.forEach(failure::addSuppressed);
    throw failure;
  }

  /** Whether {@code kek} is in {@code tried} (by identity); adds it if not. */
  private static boolean seen(List<Kek> tried, Kek kek) {
    for (Kek k : tried) {
      if (k == kek) {
        return true;
      }
    }
    tried.add(kek);
    return false;
  }

  private @Nullable Kek find(byte[] ref) {
    for (Kek kek : decryptionKeks) {
      if (Arrays.equals(refBytes(kek), ref)) {
        return kek;
      }
    }
    return null;
  }

  private static byte[] refBytes(Kek kek) {
    return kek.ref().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the nonce of message {@code number} at {@code off}: 12 fresh random bytes, so that a
   * process snapshot restored twice (CRaC, Lambda SnapStart, a cloned VM) with this DEK cached does
   * not repeat a (DEK, nonce) pair in its copies, as a counter would. The counter still numbers the
   * message against the DEK's limits. docs/FORMAT.md section 7.
   */
  private void writeNonce(byte[] out, int off, long number) {
    if (counterNonces) {
      writeLong(out, off + 4, number); // 4 zero bytes || u64 counter: the vectors' nonces
    } else {
      Nonces.fill(out, off);
    }
  }

  /** Forgets the encryption DEK (a CRaC checkpoint is coming); decryption caches stay. */
  private void dropEncryptionKey() {
    encryptionKeyLock.lock();
    try {
      encryptionKey = null;
    } finally {
      encryptionKeyLock.unlock();
    }
  }

  /**
   * A copy of this envelope holding the same encryption DEK with the same usage counters: what a
   * snapshot of the process, restored twice, holds twice. For tests only.
   */
  Envelope restoredCopy() {
    Builder builder = new Builder();
    builder.recipients.addAll(recipients);
    builder.decryptOnly.addAll(decryptionKeks.subList(recipients.size(), decryptionKeks.size()));
    builder.policy = policy;
    builder.clock = clock;
    builder.counterNonces = counterNonces;
    builder.provider = provider;
    Envelope copy = new Envelope(builder);
    DataKeyMaterial current = encryptionKey;
    copy.encryptionKey = current == null ? null : current.snapshotCopy();
    return copy;
  }

  /** The registered CRaC resource (an {@code org.crac.Resource}), or null; for tests. */
  Object checkpointHook() {
    return checkpointHook;
  }

  private static void writeLong(byte[] out, int off, long value) {
    for (int i = 7; i >= 0; i--) {
      out[off + i] = (byte) value;
      value >>>= 8;
    }
  }

  /** Builds an {@link Envelope}. Not thread-safe; the envelope it builds is. */
  public static final class Builder {
    private final List<Kek> recipients = new ArrayList<>();
    private final List<Kek> decryptOnly = new ArrayList<>();
    private DataKeyCachePolicy policy = DataKeyCachePolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private boolean counterNonces;
    private CryptoProvider provider = CryptoProvider.AUTO;

    private Builder() {}

    /** Counter nonces instead of random ones: deterministic output for the format vectors only. */
    Builder counterNoncesForVectors() {
      this.counterNonces = true;
      return this;
    }

    /**
     * Adds a recipient KEK. The first one generates the DEKs; every recipient's wrap is stored, and
     * any one of them opens the ciphertext (an offline recovery key, say). At most 8.
     */
    public Builder kek(Kek kek) {
      Objects.requireNonNull(kek, "kek");
      if (recipients.size() == EnvelopeHeader.MAX_RECIPIENTS) {
        throw new IllegalArgumentException(
            "expected at most " + EnvelopeHeader.MAX_RECIPIENTS + " recipient KEKs");
      }
      for (Kek other : recipients) {
        if (other.ref().equals(kek.ref())) {
          throw new IllegalArgumentException(
              "expected distinct recipient KEKs but " + kek.ref() + " was added twice");
        }
      }
      recipients.add(kek);
      return this;
    }

    /** Adds a KEK that may open old ciphertexts but wraps no new DEK. */
    public Builder decryptOnly(Kek kek) {
      decryptOnly.add(Objects.requireNonNull(kek, "kek"));
      return this;
    }

    /** The DEK cache limits; {@link DataKeyCachePolicy#defaults()} if not set. */
    public Builder cachePolicy(DataKeyCachePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The clock that ages cached DEKs; the system clock if not set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Which provider runs AES-GCM for messages ({@link CryptoProvider#AUTO} if not set); streams
     * choose per chunk, as AUTO. The ciphertext bytes do not depend on it.
     */
    public Builder cryptoProvider(CryptoProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Builds the envelope.
     *
     * @throws IllegalStateException if no KEK was added, or {@link CryptoProvider#ACCP} was chosen
     *     and is not available here (saying why)
     */
    public Envelope build() {
      if (recipients.isEmpty()) {
        throw new IllegalStateException("expected at least one KEK but none was added");
      }
      provider.fixed(); // fails now, not at the first message
      return new Envelope(this);
    }
  }
}
