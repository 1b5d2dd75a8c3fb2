package dev.strongroom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.BackendUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's "Testing your service / your backend" snippets run, and README.md shows them
 * verbatim: the service test between the markers below, and {@link MemorySecretStoreContractTest}'s
 * class as the backend example.
 */
class ReadmeTestingTest {

  @Test
  void serviceTest_readmeSnippet_works() {
    // --- README testing: begin ---
    TestClock clock = TestClock.create();
    // Latency advances the test clock instead of sleeping.
    FaultyBackend backend = FaultyBackend.wrap(TestBackends.memory(clock), clock::advance);
    try (Strongroom room =
        Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build()) {
      room.put("db/password", SecretValue.ofUtf8("s3cret"));

      // The backend goes down: the service keeps reading the cached value (within maxStaleness).
      backend.failing("read");
      clock.advance(Duration.ofMinutes(5));
      assertEquals("s3cret", room.secret("db/password").copyUtf8String());

      // Slow writes, and the second one fails: a typed error, and the first write is kept.
      backend.heal().latency("write", Duration.ofSeconds(2)).failAfter("write", 1);
      room.put("db/password", SecretValue.ofUtf8("v2"));
      assertThrows(
          BackendUnavailableException.class,
          () -> room.put("db/password", SecretValue.ofUtf8("v3")));
      assertEquals("v2", room.secret("db/password").copyUtf8String());

      // A lost answer: the write took effect, but the caller saw a failure.
      backend.heal().failAfterApplying("write");
      assertThrows(
          BackendUnavailableException.class,
          () -> room.put("db/password", SecretValue.ofUtf8("v4")));
      assertEquals(3, room.metadata("db/password").latestVersion());
    }
    // --- README testing: end ---
  }

  @Test
  void readme_showsBothSnippetsVerbatim() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String test =
        Files.readString(
            Path.of("src/test/java/dev/strongroom/testing/ReadmeTestingTest.java"),
            StandardCharsets.UTF_8);
    String begin = "// --- README testing: begin ---\n";
    String service =
        test.substring(
                test.indexOf(begin) + begin.length(),
                test.indexOf("    // --- README testing: end ---"))
            .lines()
            .map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n"));
    assertTrue(service.length() > 200, "the snippet markers moved");
    assertTrue(
        readme.contains("```java\n" + service + "\n```"),
        "README.md's service-test snippet differs from this test's; copy it over");

    String contract =
        Files.readString(
            Path.of("src/test/java/dev/strongroom/testing/MemorySecretStoreContractTest.java"),
            StandardCharsets.UTF_8);
    String backendSnippet = contract.substring(contract.indexOf("class ")).strip();
    assertTrue(
        readme.contains("```java\n" + backendSnippet + "\n```"),
        "README.md's backend snippet differs from MemorySecretStoreContractTest; copy it over");
  }
}
