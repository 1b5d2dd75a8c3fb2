package dev.strongroom.benchmarks;

import dev.strongroom.internal.crypto.Nonces;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a single-shot message's 96-bit nonce costs, one benchmark method per way (reported as {@code
 * NonceBenchmark.next}, absolute ops/s): {@link #strongroom} is the envelope's snapshot-safe nonce
 * ({@code Nonces.fill}: kernel random bytes used at most 100 ms after they were read, one clock
 * read and a striped lock per nonce; docs/FORMAT.md section 7); {@link #counter} is a per-key
 * counter, as {@code jcaReused} uses, which a restored snapshot would repeat; {@link #secureRandom}
 * is the platform's default {@code SecureRandom}. Not thread-safe; JMH gives each thread its own
 * state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NonceBenchmark {
  private final byte[] nonce = new byte[12];
  private final SecureRandom random = new SecureRandom();
  private long counter;

  /** The envelope's nonce. */
  @Benchmark
  public byte[] strongroom() {
    Nonces.fill(nonce, 0);
    return nonce;
  }

  /** A counter in the nonce's last 8 bytes. */
  @Benchmark
  public byte[] counter() {
    long n = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (n >>> (8 * i));
    }
    return nonce;
  }

  /** {@code new SecureRandom().nextBytes(12 bytes)}, one generator per thread. */
  @Benchmark
  public byte[] secureRandom() {
    random.nextBytes(nonce);
    return nonce;
  }
}
