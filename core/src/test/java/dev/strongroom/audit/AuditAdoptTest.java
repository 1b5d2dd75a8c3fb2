package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.testkit.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopting a log written without a checkpoint (issue 12): refused before (verify fails, the sink
 * refuses to append), adopted after its chain verifies, with the adoption visible as a warning;
 * tails cut after the adoption are detected again; a tampered log is not adopted.
 */
class AuditAdoptTest {
  private static final SecretValue KEY = SecretValue.ofUtf8("chain-key-0123456789abcdef");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;
  private final TestClock clock = new TestClock(T0);

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private Path checkpoint() {
    return JsonLinesSink.defaultCheckpoint(log());
  }

  private static AuditEvent write(int i) {
    return new AuditEvent(T0.plusSeconds(i), "svc", "write", "db/pw", i + 1, Outcome.OK, "");
  }

  /** A log of {@code n} lines whose checkpoint is gone, as an older version left it. */
  private void uncheckpointedLog(int n) throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      for (int i = 0; i < n; i++) {
        sink.record(write(i));
      }
    }
    Files.delete(checkpoint());
  }

  @Test
  void adopt_verifiesTheChain_checkpointsIt_andLeavesAVisibleMark() throws IOException {
    uncheckpointedLog(5);
    AuditVerification before = AuditVerifier.verify(log(), KEY);
    assertFalse(before.ok(), "a log without its checkpoint fails verification");

    AuditVerification adopted = AuditVerifier.adopt(log(), KEY, clock);

    assertTrue(adopted.ok(), adopted.toString());
    assertEquals(6, adopted.lineCount(), "5 adopted lines and the adoption's own line");
    List<AuditVerification.Warning> warnings = AuditVerifier.verify(log(), KEY).warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals(6, warnings.get(0).line());
    assertTrue(warnings.get(0).message().contains("adopted lines 1..5"), warnings.toString());
    // and the log is a normal one again: a sink appends, verify passes
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(9));
    }
    assertTrue(AuditVerifier.verify(log(), KEY).ok());
  }

  @Test
  void afterAdoption_aCutTailIsDetectedAgain() throws IOException {
    uncheckpointedLog(3);
    AuditVerifier.adopt(log(), KEY, clock);
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(7));
      sink.record(write(8));
    }
    List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
    Files.write(log(), lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);

    AuditVerification cut = AuditVerifier.verify(log(), KEY);
    assertFalse(cut.ok());
    assertEquals(lines.size(), cut.firstBadLine(), cut.reason());
  }

  @Test
  void aTamperedLog_isNotAdopted_andNoCheckpointIsWritten() throws IOException {
    uncheckpointedLog(4);
    String text = Files.readString(log(), StandardCharsets.UTF_8);
    Files.writeString(
        log(), text.replaceFirst("\"operation\":\"write\"", "\"operation\":\"read\""));

    TamperedException e =
        assertThrows(TamperedException.class, () -> AuditVerifier.adopt(log(), KEY, clock));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    assertFalse(Files.exists(checkpoint()), "nothing was written");
    assertThrows(
        TamperedException.class,
        () ->
            AuditVerifier.adopt(log(), SecretValue.ofUtf8("another key 0123456789abcdef"), clock));
  }

  @Test
  void aLogWithItsCheckpoint_orNoLog_isNotAdopted() throws IOException {
    assertThrows(NotFoundException.class, () -> AuditVerifier.adopt(log(), KEY, clock));
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(0));
    }
    assertThrows(ConflictException.class, () -> AuditVerifier.adopt(log(), KEY, clock));
  }
}
