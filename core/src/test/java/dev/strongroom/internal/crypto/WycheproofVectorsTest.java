package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import org.junit.jupiter.api.Test;

/** The Wycheproof vectors travel with the repository: read from the class path, with licence. */
class WycheproofVectorsTest {

  @Test
  void vectorsComeFromTheTestClassPathWithTheirLicenseAndSource() {
    for (String name :
        new String[] {
          "aes_gcm_test.json",
          "c2sp_chunked_encryption_aes_256_gcm_test.json",
          "LICENSE",
          "SOURCE.txt"
        }) {
      URL url = WycheproofVectors.class.getResource(WycheproofVectors.RESOURCE_DIRECTORY + name);
      assertNotNull(url, name + " is not vendored under core/src/test/resources/vectors/");
      assertTrue(
          url.getPath().contains("/target/test-classes/vectors/wycheproof/"),
          name + " read from outside the module's test class path: " + url);
    }
    assertEquals("AES-GCM", WycheproofVectors.read("aes_gcm_test.json").get("algorithm").asText());
  }

  @Test
  void aMissingVectorFileFailsInsteadOfSkipping() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> WycheproofVectors.read("no_such_test.json"));
    assertTrue(e.getMessage().contains("no_such_test.json"), e.getMessage());
  }
}
