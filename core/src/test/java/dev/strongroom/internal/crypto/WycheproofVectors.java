package dev.strongroom.internal.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Locates and parses the Wycheproof vectors vendored in {@code
 * core/src/test/resources/vectors/wycheproof/} (see SOURCE.txt there for their provenance and
 * LICENSE), read from the test class path so that a lone clone of the repository runs them. A
 * missing file is an error, never a skip.
 */
final class WycheproofVectors {
  /** Class-path directory of the vendored vector files. */
  static final String RESOURCE_DIRECTORY = "/vectors/wycheproof/";

  private WycheproofVectors() {}

  static JsonNode read(String fileName) {
    String resource = RESOURCE_DIRECTORY + fileName;
    try (InputStream in = WycheproofVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "expected the Wycheproof vector file "
                + resource
                + " on the test class path (core/src/test/resources"
                + resource
                + ") but it does not exist");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + resource, e);
    }
  }
}
