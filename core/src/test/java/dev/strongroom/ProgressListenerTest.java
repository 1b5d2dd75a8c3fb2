package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.review.ReviewOptions;
import dev.strongroom.review.Reviewer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's progress for long work, in the library: an env import reports each secret written, and
 * a review the audit lines it read, the last call always {@code done == total}.
 */
class ProgressListenerTest {
  private static final SecretValue CHAIN = SecretValue.ofUtf8("progress-chain-key-0123456789");
  @TempDir Path dir;

  @Test
  void importEnv_reportsEverySecretWritten() throws IOException {
    Path env = dir.resolve("app.env");
    Files.writeString(env, "DB_PASSWORD=a\nAPI_TOKEN=b\nSMTP_PASSWORD=c\n");
    List<String> calls = new ArrayList<>();
    try (Strongroom room = Strongroom.builder().uri("memory:").executor(Runnable::run).build()) {
      room.importEnv(env, "legacy/", (done, total) -> calls.add(done + "/" + total));
    }
    assertEquals(List.of("0/3", "1/3", "2/3", "3/3"), calls);
  }

  @Test
  void review_reportsTheLinesRead_endingAtTheVerifiedCount() {
    Path log = dir.resolve("audit.jsonl");
    AuditSink sink = AuditSinks.jsonLines(log, CHAIN, JsonLinesOptions.defaults());
    List<long[]> calls = new ArrayList<>();
    try (Strongroom room =
        Strongroom.builder()
            .backend(MemoryBackend.create(Clock.systemUTC()))
            .executor(Runnable::run)
            .audit(sink)
            .build()) {
      room.put("a", SecretValue.ofUtf8("x"));
      room.secret("a").wipe();
      sink.flush();
      long lines =
          Reviewer.review(
                  room,
                  log,
                  CHAIN,
                  List.of(),
                  Clock.systemUTC(),
                  ReviewOptions.defaults(),
                  (done, total) -> calls.add(new long[] {done, total}))
              .auditLines();
      long[] last = calls.get(calls.size() - 1);
      assertEquals(lines, last[0]);
      assertEquals(lines, last[1]);
    } finally {
      sink.close();
    }
  }
}
