package dev.strongroom.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading a secret, one benchmark method per implementation (the report shows each as {@code
 * SecretReadBenchmark.read} with the method's name as its impl): {@link #strongroom} is {@code
 * room.secret(name)} on a cache hit (a scope check, the cache lookup, the audit call and a
 * defensive copy of the value); {@link #caffeine} is a bare {@code getIfPresent} on a Caffeine
 * cache holding the bytes, the floor, with nothing else in its method (no dispatch on a parameter
 * inflating the baseline); {@link #strongroomMiss} is a read by version, which bypasses the cache:
 * what a miss costs on the memory backend, before any network; {@link #caffeineCopy} and {@link
 * #caffeineClockCopy} add to the bare hit what any read keeping the room's guarantees pays (a fresh
 * copy; a clock read). Not thread-safe; JMH gives each thread its own state.
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

  private Strongroom room;
  private final SecretRef uncached = SecretRef.ofVersion(NAME, 1);
  private Cache<String, byte[]> bare;
  private final Clock clock = Clock.systemUTC();

  /** Opens a memory room holding one secret, and a bare cache holding the same bytes. */
  @Setup(Level.Trial)
  public void setUp() {
    room = Strongroom.open("memory:");
    room.put(NAME, SecretValue.ofUtf8("correct horse battery staple"));
    room.secret(NAME).wipe();
    bare = Caffeine.newBuilder().maximumSize(10_000).build();
    bare.put(NAME, "correct horse battery staple".getBytes(StandardCharsets.UTF_8));
  }

  /** Closes the room. */
  @TearDown(Level.Trial)
  public void tearDown() {
    room.close();
  }

  /** A cached read of the secret through the room. */
  @Benchmark
  public Object strongroom() {
    return room.secret(NAME);
  }

  /** The baseline: a bare Caffeine hit. */
  @Benchmark
  public Object caffeine() {
    return bare.getIfPresent(NAME);
  }

  /**
   * Not a target, an explanation: the bare hit plus a fresh copy of the value (a new {@code
   * SecretValue}), which every read of the room's API hands out.
   */
  @Benchmark
  public Object caffeineCopy() {
    return SecretValue.of(bare.getIfPresent(NAME));
  }

  /**
   * Not a target, an explanation: {@link #caffeineCopy} plus one read of the system clock, which a
   * cached read needs for its stale bound and refresh schedule: the floor of a read that keeps
   * those guarantees.
   */
  @Benchmark
  public Object caffeineClockCopy(Blackhole blackhole) {
    blackhole.consume(clock.millis());
    return SecretValue.of(bare.getIfPresent(NAME));
  }

  /** A read by version, which bypasses the cache. */
  @Benchmark
  public Object strongroomMiss() {
    return room.secret(uncached);
  }
}
