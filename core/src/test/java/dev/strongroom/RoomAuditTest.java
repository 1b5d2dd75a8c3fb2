package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerification;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomAuditTest {
  private static final String CANARY = "CANARY-audit-room-41c7";
  private static final SecretValue KEY = SecretValue.ofUtf8("room-chain-key-0123456789");

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.create();

  private Strongroom room(AuditSink sink) {
    return Strongroom.builder()
        .backend(MemoryBackend.create(clock))
        .clock(clock)
        .executor(Runnable::run)
        .principal("orders")
        .audit(sink)
        .build();
  }

  private static List<String> summaries(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode node = json.readTree(line);
      out.add(
          node.get("operation").asText()
              + " "
              + node.get("resource").asText()
              + " "
              + node.get("version").asLong()
              + " "
              + node.get("outcome").asText());
    }
    return out;
  }

  private Path exercisedLog() {
    Path file = dir.resolve("audit.jsonl");
    try (Strongroom room = room(AuditSinks.jsonLines(file, KEY))) {
      room.put("db/password", SecretValue.ofUtf8(CANARY));
      room.secret("db/password").wipe();
      assertThrows(NotFoundException.class, () -> room.secret("db/missing"));
      Strongroom view = room.scoped(AccessPolicy.allow("app/*", Operation.READ));
      assertThrows(AccessDeniedException.class, () -> view.secret("db/password"));
      assertThrows(
          InvalidCiphertextException.class,
          () -> room.decrypt(new byte[] {1, 2, 3}, EncryptionContext.empty()));
      room.leaseSecret("db/password", Duration.ofSeconds(5), Duration.ofSeconds(5));
      clock.advance(Duration.ofSeconds(1));
      room.put("db/password", SecretValue.ofUtf8(CANARY + "-2"), 1);
    }
    return file;
  }

  @Test
  void jsonLinesAudit_recordsEveryAccessAndFailure_neverTheValue() throws IOException {
    Path file = exercisedLog();

    assertEquals(
        List.of(
            "write db/password 0 INTENT",
            "write db/password 1 OK",
            "read db/password 1 OK",
            "read db/missing 0 NOT_FOUND",
            "read db/password 0 DENIED",
            "decrypt kek/default 0 ERROR",
            "lease db/password 0 INTENT",
            "lease db/password 1 OK",
            "write db/password 0 INTENT",
            "write db/password 2 OK",
            "lease.revoked db/password 0 OK"),
        summaries(file));
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertFalse(text.contains("CANARY"), text);
    assertTrue(text.contains("\"principal\":\"orders\""), text);
    assertEquals(new AuditVerification(true, 11, 0, ""), AuditVerifier.verify(file, KEY));
  }

  @Test
  void jsonLinesAudit_editedByHand_verifierNamesTheLine() throws IOException {
    Path file = exercisedLog();
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.set(4, lines.get(4).replace("\"DENIED\"", "\"OK\""));
    Files.write(file, lines, StandardCharsets.UTF_8);

    AuditVerification result = AuditVerifier.verify(file, KEY);

    assertFalse(result.ok());
    assertEquals(5, result.firstBadLine());
  }

  @Test
  void jsonLinesAudit_lineDeleted_detected() throws IOException {
    Path file = exercisedLog();
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.remove(3);
    Files.write(file, lines, StandardCharsets.UTF_8);

    assertEquals(4, AuditVerifier.verify(file, KEY).firstBadLine());
  }

  @Test
  void failingSink_refusesReadsAndWrites_andRecovers() {
    RecordingSink sink = new RecordingSink();
    try (Strongroom room = room(sink)) {
      room.put("db/password", SecretValue.ofUtf8(CANARY));
      sink.broken.set(true);

      AccessDeniedException read =
          assertThrows(AccessDeniedException.class, () -> room.secret("db/password"));
      assertThrows(
          AccessDeniedException.class, () -> room.put("db/password", SecretValue.ofUtf8("x")));
      assertThrows(
          AccessDeniedException.class,
          () -> room.leaseSecret("db/password", Duration.ofSeconds(5), Duration.ofSeconds(5)));
      assertEquals(0, room.core().leases().size());
      assertFalse(read.getMessage().contains(CANARY));

      sink.broken.set(false);
      assertEquals(1, room.metadata("db/password").latestVersion());
      assertEquals(CANARY, room.secret("db/password").copyUtf8String());
    }
  }

  @Test
  void closedJsonLinesSink_refusesAccess() {
    AuditSink sink = AuditSinks.jsonLines(dir.resolve("closed.jsonl"), KEY);
    try (Strongroom room = room(sink)) {
      room.put("a", SecretValue.ofUtf8(CANARY));
      sink.close();

      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> room.secret("a"));

      assertTrue(e.getMessage().contains("audit sink"), e.getMessage());
    }
  }
}
