package dev.strongroom.benchmarks;

import dev.strongroom.envelope.Envelope;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Streaming encryption and decryption of {@link #totalMiB} MiB written and read in 64 KiB calls:
 * ours ({@link Envelope#encryptingStream}, Cobblestone-256 in 16 KiB chunks) against raw JCA
 * AES-256-GCM with a reused {@link Cipher}, sealing each 16 KiB chunk as one message ({@code
 * jcaChunked}: the same chunk size as ours, the baseline of issue 18's target) or each 64 KiB call
 * as one message ({@code jcaReused}: fewer, larger messages). One operation is one whole stream;
 * bytes per second are ops/s × {@code totalMiB}.
 *
 * <p>Heap: the fork runs with a 64 MiB heap, smaller than the default 256 MiB stream, so a
 * completed run shows memory flat in the stream's size; the ciphertext to decrypt lives in a
 * temporary file, not on the heap. The peak heap used (sum of the heap pools' peaks, garbage
 * included) is printed at tear-down; allocation per stream comes from {@code -prof gc}.
 *
 * <p>Per-thread state; run it with one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms64m", "-Xmx64m"})
@State(Scope.Thread)
public class StreamBenchmark {
  private static final int CALL = 64 * 1024;
  private static final int OUR_CHUNK = 16 * 1024; // Cobblestone-256's chunk (docs/FORMAT.md)

  /** {@code strongroom}, {@code jcaChunked} or {@code jcaReused}. */
  @Param({"strongroom", "jcaChunked", "jcaReused"})
  public String impl;

  /** Stream length in MiB. */
  @Param({"256"})
  public int totalMiB;

  private final byte[] chunk = Impls.randomBytes(CALL);
  private final byte[] buffer = new byte[CALL + 64];
  private final byte[] record = new byte[CALL + 16];
  private int message; // plaintext bytes per JCA message: 16 KiB (jcaChunked) or 64 KiB
  private Envelope envelope;
  private SecretKey key;
  private Cipher cipher;
  private long counter;
  private Path ciphertext;

  /** Builds the implementation and writes a ciphertext of the stream to a temporary file. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    envelope = Impls.envelope();
    key = Impls.aesKey();
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    message = impl.equals("jcaChunked") ? OUR_CHUNK : CALL;
    ciphertext = Files.createTempFile("strongroom-stream", ".bin");
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(ciphertext), CALL)) {
      encryptTo(file);
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  /** Deletes the ciphertext file and prints the peak heap. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(ciphertext);
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.err.printf(
        "stream %s %d MiB: peak heap used %.1f MiB (max heap %.0f MiB)%n",
        impl, totalMiB, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  /** Encrypts the whole stream into a sink that discards it. */
  @Benchmark
  public long encrypt() throws Exception {
    CountingSink sink = new CountingSink();
    encryptTo(sink);
    return sink.count;
  }

  /** Decrypts the whole stream from the temporary file. */
  @Benchmark
  public long decrypt() throws Exception {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(ciphertext), CALL)) {
      return impl.equals("strongroom") ? decryptOurs(file) : decryptJca(file);
    }
  }

  private void encryptTo(OutputStream sink) throws Exception {
    long calls = (long) totalMiB * 1024 * 1024 / CALL;
    if (impl.equals("strongroom")) {
      try (OutputStream out = envelope.encryptingStream(sink, Impls.CONTEXT)) {
        for (long i = 0; i < calls; i++) {
          out.write(chunk, 0, CALL);
        }
      }
      return;
    }
    byte[] nonce = new byte[12];
    for (long i = 0; i < calls; i++) {
      for (int off = 0; off < CALL; off += message) {
        nextNonce(nonce);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(Impls.CONTEXT_BYTES);
        int n = cipher.doFinal(chunk, off, message, buffer, 0);
        sink.write(nonce);
        sink.write(buffer, 0, n);
      }
    }
    sink.close();
  }

  private long decryptOurs(InputStream file) throws IOException {
    long total = 0;
    try (InputStream in = envelope.decryptingStream(file, Impls.CONTEXT)) {
      for (int n; (n = in.read(buffer, 0, CALL)) > 0; ) {
        total += n;
      }
    }
    return total;
  }

  private long decryptJca(InputStream file) throws Exception {
    long total = 0;
    byte[] nonce = new byte[12];
    while (file.readNBytes(nonce, 0, 12) == 12) {
      int length = file.readNBytes(record, 0, message + 16);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(Impls.CONTEXT_BYTES);
      total += cipher.doFinal(record, 0, length, buffer, 0);
    }
    return total;
  }

  private void nextNonce(byte[] nonce) {
    long n = ++counter;
    for (int b = 0; b < 8; b++) {
      nonce[11 - b] = (byte) (n >>> (8 * b));
    }
  }

  /** Discards what is written, counting it. */
  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
