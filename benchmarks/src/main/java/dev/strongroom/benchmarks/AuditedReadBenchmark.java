package dev.strongroom.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSinks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/**
 * A cached secret read that is audited, one benchmark method per implementation (the report shows
 * each as {@code AuditedReadBenchmark.read} with the method's name as its impl): {@link
 * #strongroom} is {@code room.secret(name)} on a cache hit of a memory room whose audit sink is
 * {@code AuditSinks.jsonLines(file, key)} in its default mode (reads aggregated per second,
 * group-committed by the sink's own thread, forced to disk); {@link #caffeine} is a bare {@code
 * getIfPresent} with nothing else in its method, the baseline of the ratio (issue 12's target: at
 * most 20× its cost, a ratio of at least 0.05). Not thread-safe; JMH gives each thread its own
 * state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AuditedReadBenchmark {
  private static final String NAME = "db/password";

  private Path dir;
  private Strongroom room;
  private Cache<String, byte[]> bare;

  /** Opens a memory room audited to a JSON-lines file, and a bare cache holding the same bytes. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("audited-read");
    room =
        Strongroom.builder()
            .uri("memory:")
            .audit(
                AuditSinks.jsonLines(
                    dir.resolve("audit.jsonl"),
                    SecretValue.ofUtf8("benchmark-chain-key-0123456789")))
            .build();
    room.put(NAME, SecretValue.ofUtf8("correct horse battery staple"));
    room.secret(NAME).wipe();
    bare = Caffeine.newBuilder().maximumSize(10_000).build();
    bare.put(NAME, "correct horse battery staple".getBytes(StandardCharsets.UTF_8));
  }

  /** Closes the room (which flushes the sink) and prints how many lines the reads took. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    room.close();
    long lines;
    try (Stream<String> s = Files.lines(dir.resolve("audit.jsonl"))) {
      lines = s.count();
    }
    System.out.println("audit lines written: " + lines);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** A cached, audited read of the secret through the room. */
  @Benchmark
  public Object strongroom() {
    return room.secret(NAME);
  }

  /** The baseline: a bare Caffeine hit. */
  @Benchmark
  public Object caffeine() {
    return bare.getIfPresent(NAME);
  }
}
