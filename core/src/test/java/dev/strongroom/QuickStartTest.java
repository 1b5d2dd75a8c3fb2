package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.lease.LeasedCredential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README quick start, verbatim between the markers. */
class QuickStartTest {
  @TempDir Path dir;

  @Test
  void quickStart_readmeSnippet_works() {
    Path auditLog = dir.resolve("audit.jsonl");
    // --- README quick start: begin ---
    // The audit chain key: keep it apart from the log (here a fresh random one).
    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    SecretValue auditKey = SecretValue.of(keyBytes);

    try (Strongroom room =
        Strongroom.builder()
            .uri("memory:")
            .principal("orders-service")
            .audit(AuditSinks.jsonLines(auditLog, auditKey)) // every access, never a value
            .build()) {
      // Store a secret, then read it back (cached, refreshed in the background).
      room.put("db/password", SecretValue.of("correct horse".toCharArray()));
      char[] password = room.secret("db/password").copyChars();
      assertEquals("correct horse", new String(password));
      java.util.Arrays.fill(password, '\0');

      // Just-in-time access: a copy of the secret that is wiped when the lease ends.
      try (LeasedCredential lease =
          room.leaseSecret("db/password", Duration.ofMinutes(5), Duration.ofMinutes(30))) {
        assertEquals("correct horse", lease.field("value").copyUtf8String());
      }

      // Encrypt a field; the context is bound to the ciphertext and must match to decrypt.
      EncryptionContext context = EncryptionContext.of("table", "users", "column", "email");
      byte[] ciphertext =
          room.encrypt("alice@example.com".getBytes(StandardCharsets.UTF_8), context);
      byte[] plaintext = room.decrypt(ciphertext, context);
      assertArrayEquals("alice@example.com".getBytes(StandardCharsets.UTF_8), plaintext);
    }
    // Later, anyone holding the key can check that no line was edited, dropped or reordered.
    assertTrue(AuditVerifier.verify(auditLog, auditKey).ok());
    // --- README quick start: end ---
  }
}
