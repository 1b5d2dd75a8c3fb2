package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditTest {
  private static final SecretValue KEY = SecretValue.ofUtf8("chain-key-0123456789abcdef");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;

  private Path writeLog(int events) {
    Path file = dir.resolve("audit.jsonl");
    try (AuditSink sink = AuditSinks.jsonLines(file, KEY)) {
      for (int i = 0; i < events; i++) {
        sink.record(event(i));
      }
    }
    return file;
  }

  private static AuditEvent event(int i) {
    return new AuditEvent(
        T0.plusSeconds(i),
        "svc-" + i,
        "read",
        "db/password",
        i + 1,
        i % 4 == 3 ? Outcome.DENIED : Outcome.OK,
        i % 4 == 3 ? "scope does not allow db/*" : "");
  }

  private List<String> lines(Path file) throws IOException {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void write(Path file, List<String> lines) throws IOException {
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  @Test
  void verify_untouchedLog_isOkWithLineCount() {
    Path file = writeLog(5);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertEquals(new AuditVerification(true, 5, 0, ""), result);
  }

  @Test
  void line_hasSeqEventFieldsPrevAndMac() throws IOException {
    Path file = writeLog(4);

    JsonNode line = new ObjectMapper().readTree(lines(file).get(3));

    assertEquals(4, line.get("seq").asLong());
    assertEquals("2025-01-01T00:00:03Z", line.get("time").asText());
    assertEquals("svc-3", line.get("principal").asText());
    assertEquals("read", line.get("operation").asText());
    assertEquals("db/password", line.get("resource").asText());
    assertEquals(4, line.get("version").asLong());
    assertEquals("DENIED", line.get("outcome").asText());
    assertEquals("scope does not allow db/*", line.get("detail").asText());
    assertEquals(AuditChain.hash(lines(file).get(2)), line.get("prev").asText());
    assertTrue(line.get("mac").asText().matches("[0-9a-f]{64}"));
    assertEquals(
        AuditChain.GENESIS, new ObjectMapper().readTree(lines(file).get(0)).get("prev").asText());
  }

  @Test
  void verify_editedLine_reportsThatLine() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    lines.set(2, lines.get(2).replace("\"svc-2\"", "\"svc-X\""));
    write(file, lines);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertFalse(result.ok());
    assertEquals(3, result.firstBadLine());
    assertEquals(2, result.lineCount());
    assertTrue(result.reason().contains("MAC"), result.reason());
  }

  @Test
  void verify_deletedLine_reportsTheLineAfterIt() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    lines.remove(1);
    write(file, lines);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertEquals(2, result.firstBadLine());
    assertTrue(result.reason().contains("sequence"), result.reason());
  }

  @Test
  void verify_reorderedLines_reportsTheFirstMoved() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    Collections.swap(lines, 2, 3);
    write(file, lines);

    assertEquals(3, AuditVerifier.verify(file, KEY).firstBadLine());
  }

  @Test
  void verify_lineCutShortInTheMiddle_reportsIt() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    lines.set(1, lines.get(1).substring(0, lines.get(1).length() / 2));
    write(file, lines);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertEquals(2, result.firstBadLine());
    assertTrue(result.reason().contains("malformed"), result.reason());
  }

  @Test
  void verify_partialLastLine_reportsIt() throws IOException {
    Path file = writeLog(3);
    String content = Files.readString(file);
    Files.writeString(file, content.substring(0, content.length() - 1));

    AuditVerification result = AuditVerifier.verify(file, KEY);

    // the last line was checkpointed when it was written: cutting it short loses it
    assertEquals(3, result.firstBadLine());
    assertTrue(result.reason().startsWith("line 3 is missing"), result.reason());
  }

  @Test
  void verify_insertedCopyOfAValidLine_reportsIt() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    lines.add(3, lines.get(1));
    write(file, lines);

    assertEquals(4, AuditVerifier.verify(file, KEY).firstBadLine());
  }

  @Test
  void verify_insertedForgedLineWithOtherKey_reportsIt() throws IOException {
    Path file = writeLog(5);
    Path forged = dir.resolve("forged.jsonl");
    try (AuditSink sink =
        AuditSinks.jsonLines(forged, SecretValue.ofUtf8("attacker-key-0123456789"))) {
      sink.record(event(0));
      sink.record(event(1));
      sink.record(event(9));
    }
    List<String> lines = lines(file);
    lines.add(2, lines(forged).get(2));
    write(file, lines);

    assertEquals(3, AuditVerifier.verify(file, KEY).firstBadLine());
  }

  @Test
  void verify_wrongKey_failsOnLineOne() {
    Path file = writeLog(3);

    AuditVerification result =
        AuditVerifier.verify(file, SecretValue.ofUtf8("some-other-key-0123456789"));

    assertEquals(1, result.firstBadLine());
    assertTrue(result.reason().contains("wrong key"), result.reason());
  }

  @Test
  void verify_truncatedAtALineBoundary_isOkButShorter() throws IOException {
    Path file = writeLog(5);
    List<String> lines = lines(file);
    write(file, lines.subList(0, 3));

    assertEquals(3, AuditVerifier.verify(file, KEY).lineCount());
  }

  @Test
  void verify_missingFile_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> AuditVerifier.verify(dir.resolve("nope"), KEY));
  }

  @Test
  void reopen_resumesTheChain() {
    Path file = writeLog(3);
    try (AuditSink sink = AuditSinks.jsonLines(file, KEY, true)) {
      sink.record(event(3));
      sink.record(event(4));
    }

    assertEquals(new AuditVerification(true, 5, 0, ""), AuditVerifier.verify(file, KEY));
  }

  @Test
  void reopen_tamperedLog_refusesToAppend() throws IOException {
    Path file = writeLog(3);
    List<String> lines = lines(file);
    lines.remove(0);
    write(file, lines);

    assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(file, KEY));
  }

  @Test
  void reopen_withWrongKey_refusesToAppend() {
    Path file = writeLog(2);

    assertThrows(
        AccessDeniedException.class,
        () -> AuditSinks.jsonLines(file, SecretValue.ofUtf8("some-other-key-0123456789")));
  }

  @Test
  void open_unwritablePath_throwsAccessDenied() {
    Path file = dir.resolve("missing-dir").resolve("audit.jsonl");

    assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(file, KEY));
  }

  @Test
  void record_afterTheFileBecameUnwritable_throwsAccessDenied() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    AuditSink sink = AuditSinks.jsonLines(file, KEY, false);
    sink.record(event(0));
    // Close the channel underneath the sink: the next write fails with an IOException.
    JsonLinesSink inner = (JsonLinesSink) sink;
    closeChannel(inner);

    assertThrows(AccessDeniedException.class, () -> sink.record(event(1)));
  }

  @Test
  void record_afterClose_throwsIllegalState() {
    AuditSink sink = AuditSinks.jsonLines(dir.resolve("audit.jsonl"), KEY);
    sink.close();
    sink.close();

    assertThrows(IllegalStateException.class, () -> sink.record(event(0)));
  }

  @Test
  void open_shortKey_rejected() {
    SecretValue shortKey = SecretValue.ofUtf8("short");

    assertThrows(
        IllegalArgumentException.class,
        () -> AuditSinks.jsonLines(dir.resolve("a.jsonl"), shortKey));
  }

  @Test
  void newFile_isOwnerOnly() throws IOException {
    Path file = writeLog(1);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void record_hugeDetail_isCutAndStillVerifies() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (AuditSink sink = AuditSinks.jsonLines(file, KEY, false)) {
      sink.record(new AuditEvent(T0, "svc", "write", "x", 1, Outcome.ERROR, "é".repeat(2_000_000)));
    }

    String line = lines(file).get(0);
    assertTrue(line.length() < 5000, "length " + line.length());
    assertTrue(line.contains("…[2000000 chars]"), line.substring(0, 100));
    assertTrue(AuditVerifier.verify(file, KEY).ok());
  }

  @Test
  void logFile_neverContainsTheChainKey() throws IOException {
    Path file = writeLog(3);

    assertFalse(Files.readString(file).contains("chain-key"));
  }

  private static void closeChannel(JsonLinesSink sink) {
    try {
      java.lang.reflect.Field field = JsonLinesSink.class.getDeclaredField("channel");
      field.setAccessible(true);
      ((java.nio.channels.FileChannel) field.get(sink)).close();
    } catch (ReflectiveOperationException | IOException e) {
      throw new AssertionError(e);
    }
  }
}
