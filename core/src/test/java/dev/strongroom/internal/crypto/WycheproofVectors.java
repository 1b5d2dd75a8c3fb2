package dev.strongroom.internal.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates and parses the Wycheproof vectors kept in {@code shared/vectors/wycheproof/} beside the
 * project root, or in the directory named by the {@code strongroom.vectors} system property. A
 * missing file is an error, never a skip.
 */
final class WycheproofVectors {
  static final String DIRECTORY_PROPERTY = "strongroom.vectors";

  /** Relative to the module directory, which is Maven's working directory for tests. */
  private static final Path DEFAULT_DIRECTORY =
      Path.of("..", "..", "shared", "vectors", "wycheproof");

  private WycheproofVectors() {}

  static JsonNode read(String fileName) {
    Path file = directory().resolve(fileName);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "expected the Wycheproof vector file "
              + file.toAbsolutePath().normalize()
              + " but it does not exist; set -D"
              + DIRECTORY_PROPERTY
              + "=<dir> to point at it");
    }
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  private static Path directory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY, "");
    return configured.isBlank() ? DEFAULT_DIRECTORY : Path.of(configured);
  }
}
