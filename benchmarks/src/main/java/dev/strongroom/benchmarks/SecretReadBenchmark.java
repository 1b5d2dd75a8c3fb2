package dev.strongroom.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import java.util.concurrent.TimeUnit;
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
 * Reading a secret: {@code strongroom} is {@code room.secret(name)} on a cache hit (a scope check,
 * the cache lookup and a defensive copy of the value); {@code caffeine} is a bare {@code
 * getIfPresent} on a Caffeine cache holding the bytes, the floor; {@code strongroomMiss} is a read
 * by version, which bypasses the cache: what a miss costs on the memory backend, before any
 * network. Not thread-safe; JMH gives each thread its own state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SecretReadBenchmark {
  private static final String NAME = "db/password";

  /** Which read to measure. */
  @Param({"strongroom", "caffeine", "strongroomMiss"})
  public String impl;

  private Strongroom room;
  private final SecretRef uncached = SecretRef.ofVersion(NAME, 1);
  private Cache<String, byte[]> bare;

  /** Opens a memory room holding one secret, and a bare cache holding the same bytes. */
  @Setup(Level.Trial)
  public void setUp() {
    if (!java.util.List.of("strongroom", "caffeine", "strongroomMiss").contains(impl)) {
      throw new IllegalArgumentException(
          "expected impl strongroom, caffeine or strongroomMiss but was " + impl);
    }
    room = Strongroom.open("memory:");
    room.put(NAME, SecretValue.ofUtf8("correct horse battery staple"));
    room.secret(NAME).wipe();
    bare = Caffeine.newBuilder().maximumSize(10_000).build();
    bare.put(
        NAME, "correct horse battery staple".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Closes the room. */
  @TearDown(Level.Trial)
  public void tearDown() {
    room.close();
  }

  /** One read of the secret. */
  @Benchmark
  public Object read() {
    switch (impl) {
      case "strongroom":
        return room.secret(NAME);
      case "caffeine":
        return bare.getIfPresent(NAME);
      default:
        return room.secret(uncached);
    }
  }
}
