package dev.strongroom.benchmarks;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The JSON-lines sink in every-event mode (ops/s, absolute): each operation is one {@code
 * record(event)} that appends a hash-chained, MACed line and rewrites the checkpoint slot before
 * returning. {@code everyEvent}: not forced to disk (the page cache); {@code everyEventFsync}: the
 * line and then the checkpoint forced to the device (two {@code fdatasync}s per event). Issue 12's
 * target: at least 10,000 events per second. The log is on the file system of {@code
 * java.io.tmpdir}. Not thread-safe; JMH gives each thread its own state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AuditSinkBenchmark {
  private static final AuditEvent EVENT =
      new AuditEvent(
          Instant.parse("2026-12-01T00:00:00Z"),
          "orders-service",
          "write",
          "db/password",
          7,
          AuditEvent.Outcome.OK,
          "");

  /** Which mode to measure. */
  @Param({"everyEvent", "everyEventFsync"})
  public String impl;

  private Path dir;
  private AuditSink sink;

  /** Opens a sink on a fresh file. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (!List.of("everyEvent", "everyEventFsync").contains(impl)) {
      throw new IllegalArgumentException(
          "expected impl everyEvent or everyEventFsync but was " + impl);
    }
    dir = Files.createTempDirectory("audit-sink");
    sink =
        AuditSinks.jsonLines(
            dir.resolve("audit.jsonl"),
            SecretValue.ofUtf8("benchmark-chain-key-0123456789"),
            JsonLinesOptions.everyEvent(impl.equals("everyEventFsync")));
  }

  /** Closes the sink and deletes the files. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** One appended event. */
  @Benchmark
  public void append() {
    sink.record(EVENT);
  }
}
