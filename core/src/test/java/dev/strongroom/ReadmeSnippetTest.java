package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's quick start is QuickStartTest's snippet, verbatim, so it always compiles. */
class ReadmeSnippetTest {

  @Test
  void readmeQuickStart_equalsTheTestedSnippet() throws IOException {
    String test =
        Files.readString(
            Path.of("src/test/java/dev/strongroom/QuickStartTest.java"), StandardCharsets.UTF_8);
    String begin = "// --- README quick start: begin ---\n";
    String snippet =
        test.substring(
                test.indexOf(begin) + begin.length(),
                test.indexOf("    // --- README quick start: end ---"))
            .lines()
            .map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);

    assertTrue(snippet.length() > 200, "the snippet markers moved");
    assertTrue(
        readme.contains("```java\n" + snippet + "\n```"),
        "README.md's quick start differs from QuickStartTest's snippet; copy it over");
  }
}
