package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random append sequences, random damage: verify reports every damage except the one the chosen
 * mode documents as undetectable (docs/AUDIT.md: with only the local checkpoint, deleting the log
 * and its checkpoint together leaves nothing to compare with), and never reports damage on an
 * untouched log.
 */
class AuditDamagePropertiesTest {
  private static final SecretValue KEY = SecretValue.ofUtf8("chain-key-0123456789abcdef");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  enum Damage {
    NONE,
    EDIT,
    DELETE_LINE,
    REORDER,
    DROP_TAIL,
    DELETE_FILE,
    TEAR_LAST,
    DELETE_LOG_AND_CHECKPOINT
  }

  enum Mode {
    LOCAL,
    LOCAL_AND_MIRROR
  }

  @Property(tries = 300)
  void verify_reportsEveryDetectableDamage_andNothingOnAnUntouchedLog(
      @ForAll @IntRange(min = 1, max = 40) int events,
      @ForAll boolean aggregating,
      @ForAll @IntRange(min = 0, max = 2) int rollover,
      @ForAll Mode mode,
      @ForAll Damage damage,
      @ForAll long seed)
      throws IOException {
    Path dir = Files.createTempDirectory("audit-prop");
    try {
      Random random = new Random(seed);
      Path log = dir.resolve("audit.jsonl");
      AuditCheckpointStore mirror = AuditCheckpointStores.file(dir.resolve("mirror.cp"));
      List<AuditCheckpointStore> mirrors =
          mode == Mode.LOCAL_AND_MIRROR ? List.of(mirror) : List.of();
      JsonLinesOptions.Builder options =
          JsonLinesOptions.builder()
              .fsync(false)
              .backgroundFlush(false)
              .rollover(new long[] {0, 700, 2000}[rollover], null);
      options = aggregating ? options.aggregate(Duration.ofSeconds(5)) : options.everyEvent();
      mirrors.forEach(options::mirror);
      try (AuditSink sink = AuditSinks.jsonLines(log, KEY, options.build())) {
        for (int i = 0; i < events; i++) {
          String op = random.nextInt(3) == 0 ? "write" : "read";
          sink.record(
              new AuditEvent(T0, "svc-" + random.nextInt(3), op, "db/pw", i, Outcome.OK, "n" + i));
          if (random.nextInt(4) == 0) {
            sink.flush();
          }
        }
      }
      boolean applied = damage(damage, dir, log, random);

      boolean undetectable = damage == Damage.DELETE_LOG_AND_CHECKPOINT && mode == Mode.LOCAL;
      if (undetectable) {
        assertThrows(NotFoundException.class, () -> AuditVerifier.verify(log, KEY, mirrors));
        return;
      }
      AuditVerification result = AuditVerifier.verify(log, KEY, mirrors);
      if (!applied) {
        assertTrue(result.ok(), damage + ": " + result.reason());
        assertEquals(List.of(), result.warnings(), damage.toString());
      } else {
        assertFalse(result.ok(), damage + " went unnoticed");
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.delete(p);
        }
      }
    }
  }

  /** Applies {@code damage}; returns whether anything changed. */
  private static boolean damage(Damage damage, Path dir, Path log, Random random)
      throws IOException {
    List<Path> files = chainFiles(dir, log);
    switch (damage) {
      case NONE:
        return false;
      case EDIT:
        {
          Path file = pick(files, 1, random);
          List<String> lines = lines(file);
          int i = random.nextInt(lines.size());
          String edited = lines.get(i).replaceFirst("\"principal\":\"", "\"principal\":\"x");
          lines.set(i, edited);
          Files.write(file, lines, StandardCharsets.UTF_8);
          return true;
        }
      case DELETE_LINE:
        {
          Path file = pick(files, 1, random);
          List<String> lines = lines(file);
          lines.remove(random.nextInt(lines.size()));
          Files.write(file, lines, StandardCharsets.UTF_8);
          return true;
        }
      case REORDER:
        {
          Path file = pick(files, 2, random);
          if (file == null) {
            return false;
          }
          List<String> lines = lines(file);
          int i = random.nextInt(lines.size());
          int j = (i + 1 + random.nextInt(lines.size() - 1)) % lines.size();
          Collections.swap(lines, i, j);
          Files.write(file, lines, StandardCharsets.UTF_8);
          return true;
        }
      case DROP_TAIL:
        {
          List<String> lines = lines(log);
          int keep = random.nextInt(lines.size());
          Files.write(log, lines.subList(0, keep), StandardCharsets.UTF_8);
          return true;
        }
      case DELETE_FILE:
        Files.delete(files.get(random.nextInt(files.size())));
        return true;
      case TEAR_LAST:
        {
          byte[] bytes = Files.readAllBytes(log);
          List<String> lines = lines(log);
          int last = lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8).length + 1;
          int cut = 1 + random.nextInt(last);
          Files.write(log, Arrays.copyOf(bytes, bytes.length - cut));
          return true;
        }
      case DELETE_LOG_AND_CHECKPOINT:
        for (Path file : files) {
          Files.delete(file);
        }
        Files.delete(JsonLinesSink.defaultCheckpoint(log));
        return true;
      default:
        throw new AssertionError(damage);
    }
  }

  private static List<Path> chainFiles(Path dir, Path log) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> out =
          files
              .filter(p -> p.getFileName().toString().matches("audit\\.jsonl(\\.\\d{19})?"))
              .sorted()
              .collect(Collectors.toList());
      return new ArrayList<>(out);
    }
  }

  /** A chain file with at least {@code min} lines, or null. */
  private static Path pick(List<Path> files, int min, Random random) throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (Path f : files) {
      if (lines(f).size() >= min) {
        candidates.add(f);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private static List<String> lines(Path file) throws IOException {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }
}
