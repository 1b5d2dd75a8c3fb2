package dev.strongroom.internal.room;

import dev.strongroom.RewrapListener;
import dev.strongroom.RewrapSummary;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The room's envelope encryption under a KEK the facade resolved and the guard allowed: the
 * envelope itself, single messages, streams and bulk rewraps, each recorded through the room's
 * {@link AuditTrail} under the key's audit name. A missing KEK is a {@link NotFoundException}
 * saying how to create it; nothing here creates one.
 *
 * <p>Thread-safe. Not for public use.
 */
public final class Crypto {
  private final RoomCore core;
  private final AuditTrail audit;

  private Crypto(RoomCore core) {
    this.core = core;
    this.audit = core.audit();
  }

  /** The crypto part of {@code core}. */
  public static Crypto of(RoomCore core) {
    return new Crypto(core);
  }

  /** The envelope over KEK {@code kek} (as stored), recorded as {@code envelope}. */
  public Envelope envelope(String kek, String resource) {
    return audit.access("envelope", resource, () -> existing(kek));
  }

  /** Encrypts one message. */
  public byte[] encrypt(String kek, String resource, byte[] plaintext, EncryptionContext context) {
    return audit.access("encrypt", resource, () -> existing(kek).encrypt(plaintext, context));
  }

  /** Decrypts one message; a plaintext that cannot be recorded is wiped, not returned. */
  public byte[] decrypt(String kek, String resource, byte[] ciphertext, EncryptionContext context) {
    return audit.access(
        "decrypt",
        resource,
        () -> existing(kek).decrypt(ciphertext, context),
        b -> Arrays.fill(b, (byte) 0));
  }

  /**
   * An encrypting stream into {@code sink}, recorded (as {@code encrypt}, streamed) when opened.
   */
  public OutputStream encryptingStream(
      String kek, String resource, OutputStream sink, EncryptionContext context)
      throws IOException {
    try {
      return audit.access(
          "encrypt",
          resource,
          () -> io(() -> existing(kek).encryptingStream(sink, context)),
          Crypto::closeQuietly);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * A decrypting stream over {@code source}, recorded (as {@code decrypt}) once its header opened;
   * a stream that cannot be recorded is closed, not returned.
   */
  public InputStream decryptingStream(
      String kek, String resource, InputStream source, EncryptionContext context)
      throws IOException {
    try {
      return audit.access(
          "decrypt",
          resource,
          () -> io(() -> existing(kek).decryptingStream(source, context)),
          Crypto::closeQuietly);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Rewraps each ciphertext to the newest version of {@code kek}, reporting each result, in batches
   * of {@link dev.strongroom.internal.retire.BatchRewrap#BATCH}: one key-service call per batch
   * where the service batches (Transit), one per distinct data key otherwise (KMS).
   */
  public RewrapSummary rewrapAll(
      String kek, String resource, Iterable<byte[]> ciphertexts, RewrapListener listener) {
    return audit.access(
        "rewrap",
        resource,
        () -> {
          existing(kek);
          long[] counts = new long[3]; // index, ok, failed
          java.util.List<byte[]> batch = new java.util.ArrayList<>();
          for (byte[] ciphertext : ciphertexts) {
            batch.add(java.util.Objects.requireNonNull(ciphertext, "ciphertext"));
            if (batch.size() == dev.strongroom.internal.retire.BatchRewrap.BATCH) {
              flush(kek, batch, listener, counts);
            }
          }
          flush(kek, batch, listener, counts);
          return new RewrapSummary(counts[1], counts[2]);
        },
        RewrapSummary::rewrapped,
        s -> {});
  }

  private void flush(
      String kek, java.util.List<byte[]> batch, RewrapListener listener, long[] counts) {
    if (batch.isEmpty()) {
      return;
    }
    java.util.List<Object> results;
    try {
      results = dev.strongroom.internal.retire.BatchRewrap.rewrap(core.keys(), kek, batch);
    } catch (NotFoundException e) {
      for (int i = 0; i < batch.size(); i++) {
        counts[2]++;
        listener.failed(counts[0]++, e);
      }
      batch.clear();
      return;
    }
    batch.clear();
    for (Object result : results) {
      if (result instanceof byte[] rewrapped) {
        counts[1]++;
        listener.rewrapped(counts[0]++, rewrapped);
      } else {
        counts[2]++;
        listener.failed(counts[0]++, (InvalidCiphertextException) result);
      }
    }
  }

  private Envelope existing(String kek) {
    core.requireKey(kek);
    return core.envelope(kek);
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T io(IoSupplier<T> call) {
    try {
      return call.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // the access is refused anyway
    }
  }
}
