package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, items 1, 2, 4 and 6 (audit part), as they were reported: each test failed on the code
 * before the checkpointed, aggregating sink.
 */
class AuditRegressionTest {
  private static final SecretValue KEY = SecretValue.ofUtf8("chain-key-0123456789abcdef");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;

  private Path log(int events) {
    Path file = dir.resolve("audit.jsonl");
    try (AuditSink sink = AuditSinks.jsonLines(file, KEY, true)) {
      for (int i = 0; i < events; i++) {
        sink.record(
            new AuditEvent(T0.plusSeconds(i), "svc", "write", "db/pw", i + 1, Outcome.OK, ""));
      }
    }
    return file;
  }

  private static void keepLines(Path file, int keep) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Files.write(file, lines.subList(0, keep), StandardCharsets.UTF_8);
  }

  @Test
  void item1_lastLineDropped_verifyFailsNamingTheGap() throws IOException {
    Path file = log(10);
    keepLines(file, 9);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertFalse(result.ok());
    assertEquals(10, result.firstBadLine());
    assertTrue(result.reason().contains("10"), result.reason());
  }

  @Test
  void item1_lastFiveLinesDropped_verifyFails() throws IOException {
    Path file = log(10);
    keepLines(file, 5);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertFalse(result.ok());
    assertEquals(6, result.firstBadLine());
    assertTrue(result.reason().contains("6") && result.reason().contains("10"), result.reason());
  }

  @Test
  void item1_fileEmptied_verifyFails() throws IOException {
    Path file = log(10);
    Files.write(file, new byte[0]);

    assertEquals(1, AuditVerifier.verify(file, KEY).firstBadLine());
  }

  @Test
  void item1_fileDeleted_verifyFailsAndTheNextWriterRefusesAFreshChain() throws IOException {
    Path file = log(10);
    Files.delete(file);

    AuditVerification result = AuditVerifier.verify(file, KEY);
    assertFalse(result.ok());
    assertEquals(1, result.firstBadLine());
    assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(file, KEY, true));
  }

  @Test
  void item2_tornFinalAppend_nextWriterRepairsAndVerifyWarns() throws IOException {
    Path file = log(3);
    byte[] torn =
        "{\"seq\":4,\"time\":\"2025-01-01T00:00:09Z\",\"princ".getBytes(StandardCharsets.UTF_8);
    long offset = Files.size(file);
    Files.write(file, torn, java.nio.file.StandardOpenOption.APPEND);

    try (AuditSink sink = AuditSinks.jsonLines(file, KEY, true)) {
      sink.record(AuditEvent.of(T0.plusSeconds(10), "svc", "read", "db/pw", Outcome.OK));
    }

    AuditVerification result = AuditVerifier.verify(file, KEY);
    assertTrue(result.ok(), result.reason());
    assertEquals(5, result.lineCount());
    assertEquals(1, result.warnings().size(), result.warnings().toString());
    assertEquals(4, result.warnings().get(0).line());
    assertTrue(
        result.warnings().get(0).message().contains("offset " + offset),
        result.warnings().get(0).message());
    String repair = Files.readAllLines(file, StandardCharsets.UTF_8).get(3);
    assertTrue(repair.contains("\"operation\":\"audit.repair\""), repair);
  }

  @Test
  void item4_defaultSink_aggregatesTenThousandReadsIntoOneLine() throws IOException {
    Path file = dir.resolve("reads.jsonl");
    try (AuditSink sink = AuditSinks.jsonLines(file, KEY)) {
      for (int i = 0; i < 10_000; i++) {
        sink.record(AuditEvent.of(T0, "svc", "read", "db/pw", Outcome.OK));
      }
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).contains("\"count\":10000"), lines.get(0));
    assertTrue(AuditVerifier.verify(file, KEY).ok());
  }

  @Test
  void item6_linkedLog_isRefused_andNothingIsWrittenOutside() throws IOException {
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, "not yours\n");
    Path file = dir.resolve("audit.jsonl");
    Files.createSymbolicLink(file, outside);

    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(file, KEY, true));

    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals("not yours\n", Files.readString(outside));
  }
}
