package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.file.FileStores;
import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strongroom review}, in process, on a {@code file:} store whose audit log was written by a
 * room through the store's own sink: a read at day 1, the review at day 10.
 */
class ReviewCommandTest {
  private static final String CANARY = "CANARY-review-cli-5d21";
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(T0);
  private String store;

  @BeforeEach
  void store() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("master.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
    store = "file://" + dir.resolve("store").toAbsolutePath() + "?masterKeyFile=" + keyFile;
    try (Strongroom room = room(true)) {
      room.put("a", SecretValue.ofUtf8(CANARY + "-a"));
      room.put("b", SecretValue.ofUtf8(CANARY + "-b"));
      clock.advance(Duration.ofDays(1));
      room.secret("a").wipe();
    }
    System.setProperty(RoomContext.NOW_PROPERTY, T0.plus(Duration.ofDays(10)).toString());
  }

  @AfterEach
  void clearNow() {
    System.clearProperty(RoomContext.NOW_PROPERTY);
  }

  private Strongroom room(boolean create) {
    Backend backend = FileStores.open(URI.create(store), k -> null, null, clock, create);
    return Strongroom.builder()
        .backend(backend)
        .clock(clock)
        .principal("svc")
        .executor(Runnable::run)
        .audit(FileStores.openAuditSink(backend))
        .build();
  }

  private ScanCommandTest.Run review(String... args) {
    List<String> all = new ArrayList<>(List.of("--store", store));
    all.addAll(List.of(args));
    ScanCommandTest.Run run = ScanCommandTest.run(all.toArray(String[]::new));
    assertFalse(run.out().contains(CANARY), run.out());
    assertFalse(run.err().contains(CANARY), run.err());
    return run;
  }

  @Test
  void json_oneDocument_readersLastReadFindings() throws IOException {
    ScanCommandTest.Run run = review("--json", "review", "--unused-for", "30d");
    assertEquals(Main.OK, run.exit(), run.err());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertEquals(T0.plus(Duration.ofDays(10)).toString(), doc.get("at").asText());
    JsonNode secrets = doc.get("secrets");
    assertEquals(2, secrets.size());
    JsonNode a = secrets.get(0);
    assertEquals("a", a.get("name").asText());
    assertEquals(T0.plus(Duration.ofDays(1)).toString(), a.get("lastRead").asText());
    assertEquals("[\"svc\"]", a.get("readers").toString());
    assertEquals(1, a.get("readsInWindow").asLong());
    assertEquals(Duration.ofDays(10).getSeconds(), a.get("currentAgeSeconds").asLong());
    JsonNode b = secrets.get(1);
    assertEquals("b", b.get("name").asText());
    assertTrue(b.get("lastRead").isNull());
    assertEquals(0, b.get("readers").size());
    List<String> findings = new ArrayList<>();
    doc.get("findings")
        .forEach(f -> findings.add(f.get("kind").asText() + " " + f.get("name").asText()));
    assertEquals(List.of("unused b", "key-not-rotated default"), findings);
    assertEquals("default", doc.get("keys").get(0).get("name").asText());
    assertTrue(doc.get("keys").get(0).get("lastRotation").isNull());
  }

  @Test
  void table_byDefault() {
    ScanCommandTest.Run run = review("review");
    assertEquals(Main.OK, run.exit(), run.err());
    assertTrue(run.out().contains("SECRET"), run.out());
    assertTrue(run.out().contains("unused b: never read"), run.out());
    assertFalse(run.out().contains("unused a"), run.out());
  }

  @Test
  void failOn_unused_exits1WhileASecretWasNeverRead_0AfterItIsRead() {
    assertEquals(Main.FAILED, review("review", "--fail-on", "unused").exit());
    assertEquals(Main.FAILED, review("review", "--fail-on", "not-rotated,unused").exit());
    assertEquals(Main.OK, review("review", "--fail-on", "not-rotated").exit());
    try (Strongroom room = room(false)) {
      clock.advance(Duration.ofDays(1));
      room.secret("b").wipe();
    }
    ScanCommandTest.Run run = review("review", "--fail-on", "unused");
    assertEquals(Main.OK, run.exit(), run.out() + run.err());
    assertEquals(Main.FAILED, review("review", "--fail-on", "unused", "--reader", "bob").exit());
    assertEquals(
        Main.FAILED,
        review("review", "--fail-on", "not-rotated", "--not-rotated-for", "5d").exit());
    assertEquals(Main.USAGE, review("review", "--fail-on", "stale").exit());
    // the store's default KEK was created by the store, not through a room: not in the log
    assertEquals(Main.FAILED, review("review", "--fail-on", "key-not-rotated").exit());
  }

  @Test
  void editedAuditLine_isRefused_exit9() throws IOException {
    Path log = dir.resolve("store").resolve("audit.jsonl");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    int i = lines.size() - 1;
    while (!lines.get(i).contains("\"operation\":\"read\"")) {
      i--;
    }
    lines.set(i, lines.get(i).replace("\"principal\":\"svc\"", "\"principal\":\"eve\""));
    Files.write(log, lines, StandardCharsets.UTF_8);
    ScanCommandTest.Run run = review("review");
    assertEquals(Main.TAMPERED, run.exit(), run.out() + run.err());
  }
}
