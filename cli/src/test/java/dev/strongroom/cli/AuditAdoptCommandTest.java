package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.file.FileStores;
import dev.strongroom.spi.Backend;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strongroom audit adopt} (issue 12), in process: a file store whose audit log lost its
 * checkpoint is refused by every command until adopted; then it verifies, with the adoption as a
 * warning, and commands append again.
 */
class AuditAdoptCommandTest {
  @TempDir Path dir;

  @Test
  void aLogWithoutCheckpoint_isRefused_thenAdopted_thenVerifiesWithAWarning() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("master.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
    String store = "file://" + dir.resolve("store").toAbsolutePath() + "?masterKeyFile=" + keyFile;
    Backend backend = FileStores.open(URI.create(store), k -> null, null, Clock.systemUTC(), true);
    try (Strongroom room =
        Strongroom.builder()
            .backend(backend)
            .executor(Runnable::run)
            .audit(FileStores.openAuditSink(backend))
            .build()) {
      room.put("a", SecretValue.ofUtf8("one"));
      room.put("b", SecretValue.ofUtf8("two"));
    }
    Path log = dir.resolve("store").resolve("audit.jsonl");
    Files.delete(log.resolveSibling("audit.jsonl.checkpoint"));

    assertEquals(Main.FAILED, ScanCommandTest.run("--store", store, "audit", "verify").exit());
    ScanCommandTest.Run refused = ScanCommandTest.run("--store", store, "list");
    assertTrue(refused.exit() != Main.OK, "a command that appends is refused: " + refused.err());

    ScanCommandTest.Run adopted = ScanCommandTest.run("--store", store, "audit", "adopt");
    assertEquals(Main.OK, adopted.exit(), adopted.err());
    assertTrue(adopted.out().startsWith("adopted: "), adopted.out());

    ScanCommandTest.Run verified = ScanCommandTest.run("--store", store, "audit", "verify");
    assertEquals(Main.OK, verified.exit(), verified.err());
    assertTrue(verified.out().contains("records an adoption: adopted lines 1.."), verified.out());
    assertEquals(Main.OK, ScanCommandTest.run("--store", store, "list").exit());
    assertEquals(
        Main.CONFLICT,
        ScanCommandTest.run("--store", store, "audit", "adopt").exit(),
        "a checkpointed log is not adopted twice");
  }
}
