package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strongroom.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README quick start, verbatim between the markers. */
class QuickStartTest {

  @Test
  void quickStart_readmeSnippet_works() {
    // --- README quick start: begin ---
    try (Strongroom room = Strongroom.open("memory:")) {
      // Store a secret, then read it back (cached, refreshed in the background).
      room.put("db/password", SecretValue.of("correct horse".toCharArray()));
      char[] password = room.secret("db/password").copyChars();
      assertEquals("correct horse", new String(password));
      java.util.Arrays.fill(password, '\0');

      // Encrypt a field; the context is bound to the ciphertext and must match to decrypt.
      EncryptionContext context = EncryptionContext.of("table", "users", "column", "email");
      byte[] ciphertext =
          room.encrypt("alice@example.com".getBytes(StandardCharsets.UTF_8), context);
      byte[] plaintext = room.decrypt(ciphertext, context);
      assertArrayEquals("alice@example.com".getBytes(StandardCharsets.UTF_8), plaintext);
    }
    // --- README quick start: end ---
  }
}
