package dev.strongroom.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-message decryption throughput (messages per second) of each {@link SharedImpl#impl} at
 * each {@link SharedImpl#size}. The ciphertext is made once in setup; ours decrypts it with a
 * cached unwrapped DEK. Stateless; JMH runs it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DecryptBenchmark {
  /** Decrypts the thread's ciphertext once. */
  @Benchmark
  public byte[] decrypt(ThreadCodec state) throws Exception {
    return state.codec.decrypt(state.ciphertext);
  }
}
