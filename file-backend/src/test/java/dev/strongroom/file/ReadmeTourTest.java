package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.apikey.ApiKeyQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's API tour ({@link ReadmeTour}) runs on a new file store and does what its comments
 * say, and README.md shows it verbatim: the file's imports, then the marked body.
 */
class ReadmeTourTest {
  @TempDir Path home;

  @Test
  void tour_runsOnANewFileStore() throws Exception {
    Files.writeString(
        home.resolve("legacy.env"), "DB_PASSWORD=hunter2-legacy\nSTRIPE_API_KEY=sk-legacy-7f3a\n");
    Files.writeString(
        home.resolve("master.key"),
        Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32)));
    byte[] report = new byte[300_000];
    new SecureRandom().nextBytes(report);
    Files.write(home.resolve("report.bin"), report);

    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    String uri;
    System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      uri = ReadmeTour.tour(home);
    } finally {
      System.setOut(stdout);
    }

    assertEquals(
        List.of("VALID", "REVOKED"), printed.toString(StandardCharsets.UTF_8).lines().toList());

    try (Strongroom room = Strongroom.open(uri)) {
      assertEquals("sk-legacy-7f3a", room.secret("stripe/api/key").copyUtf8String());
      assertNotEquals("hunter2-legacy", room.secret("db/password").copyUtf8String());
      assertEquals(2, room.metadata("db/password").latestVersion());
      List<ApiKeyInfo> keys = room.apiKeys().list(ApiKeyQuery.all());
      assertEquals(1, keys.size());
      assertTrue(keys.get(0).revokedAt().isPresent(), "" + keys.get(0));
    }
    assertTrue(Files.size(home.resolve("report.sealed")) > report.length);
    assertArrayEquals(report, Files.readAllBytes(home.resolve("report.opened")));
  }

  @Test
  void readme_showsTheTourVerbatim() throws Exception {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/strongroom/file/ReadmeTour.java"), StandardCharsets.UTF_8);
    String imports =
        source.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
    String begin = "// --- README tour: begin ---\n";
    int from = source.indexOf(begin) + begin.length();
    String body =
        source
            .substring(from, source.indexOf("    // --- README tour: end ---", from))
            .lines()
            .map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);

    assertTrue(body.length() > 500, "the tour markers moved");
    assertTrue(
        readme.contains("```java\n" + imports + "\n\n" + body + "\n```"),
        "README.md's API tour differs from ReadmeTour; copy it over");
  }
}
