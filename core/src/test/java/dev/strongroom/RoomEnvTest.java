package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomEnvTest {
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.create();
  private final RecordingSink sink = new RecordingSink();
  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .audit(sink)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  private Path envFile(String text) throws IOException {
    Path file = dir.resolve(".env");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> names(List<SecretVersion> versions) {
    return versions.stream().map(SecretVersion::name).collect(Collectors.toList());
  }

  @Test
  void importEnv_mapsKeysToLowerCaseSlashNames() throws IOException {
    Path file =
        envFile(
            "# legacy settings\n"
                + "DB_PASSWORD=hunter2\n"
                + "export STRIPE__API_KEY=\"sk live\"\n"
                + "_TOKEN_='t'\n");

    List<SecretVersion> written = room.importEnv(file);

    assertEquals(List.of("db/password", "stripe/api/key", "token"), names(written));
    assertEquals("hunter2", room.secret("db/password").copyUtf8String());
    assertEquals("sk live", room.secret("stripe/api/key").copyUtf8String());
    assertEquals("t", room.secret("token").copyUtf8String());
    assertTrue(sink.records.contains("anonymous write db/password 1 ok"), "" + sink.records);
  }

  @Test
  void importEnv_withPrefix_namesUnderPrefix() throws IOException {
    Path file = envFile("DB_PASSWORD=hunter2\n");

    assertEquals(List.of("legacy/db/password"), names(room.importEnv(file, "legacy/")));
    assertThrows(IllegalArgumentException.class, () -> room.importEnv(file, "legacy"));
  }

  @Test
  void importEnv_collidingNames_rejectedBeforeAnyWrite() throws IOException {
    Path file = envFile("A_B=one\nC=two\nA__B=three\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> room.importEnv(file));

    assertTrue(e.getMessage().contains("A_B (line 1) and A__B (line 3)"), e.getMessage());
    assertFalse(e.getMessage().contains("one") || e.getMessage().contains("three"));
    assertEquals(List.of(), room.list(""));
  }

  @Test
  void importEnv_scopeMissingOneName_deniedBeforeAnyWrite() throws IOException {
    Path file = envFile("DB_PASSWORD=a\nADMIN_ROOT=b\n");
    Strongroom view = room.scoped(AccessPolicy.allow("db/*", Operation.WRITE));

    assertThrows(AccessDeniedException.class, () -> view.importEnv(file));

    assertEquals(List.of(), room.list(""));
  }

  @Test
  void importEnv_missingFile_notFound() {
    assertThrows(NotFoundException.class, () -> room.importEnv(dir.resolve("nope.env")));
  }

  @Test
  void resolveEnvironment_resolvesReferencesInSystemProperties() {
    room.put("db/password", SecretValue.ofUtf8("first"));
    room.put("db/password", SecretValue.ofUtf8("second"));
    System.setProperty("STRONGROOM_TEST_DB", "strongroom:db/password");
    System.setProperty("STRONGROOM_TEST_DB_OLD", "strongroom:db/password?version=1");
    System.setProperty("STRONGROOM_TEST_PLAIN", "not a reference");
    try {
      Map<String, SecretValue> resolved = room.resolveEnvironment();

      assertEquals("second", resolved.get("STRONGROOM_TEST_DB").copyUtf8String());
      assertEquals("first", resolved.get("STRONGROOM_TEST_DB_OLD").copyUtf8String());
      assertFalse(resolved.containsKey("STRONGROOM_TEST_PLAIN"));
      assertTrue(sink.records.contains("anonymous read db/password 1 ok"), "" + sink.records);
    } finally {
      System.clearProperty("STRONGROOM_TEST_DB");
      System.clearProperty("STRONGROOM_TEST_DB_OLD");
      System.clearProperty("STRONGROOM_TEST_PLAIN");
    }
  }

  @Test
  void resolveEnvironment_missingSecret_notFound() {
    System.setProperty("STRONGROOM_TEST_MISSING", "strongroom:db/missing");
    try {
      assertThrows(NotFoundException.class, room::resolveEnvironment);
    } finally {
      System.clearProperty("STRONGROOM_TEST_MISSING");
    }
  }
}
