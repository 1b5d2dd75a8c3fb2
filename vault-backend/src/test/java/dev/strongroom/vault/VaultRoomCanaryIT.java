package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary secret through a room over the real OpenBao dev server (put, read, rotate, a refused
 * rotation, conflicting and missing reads), audited to a JSON-lines file: the canary must appear in
 * no line of the TRACE log the failsafe run writes, no exception (as printed, causes included) and
 * no audit line; the audit file must still verify.
 */
class VaultRoomCanaryIT {
  private static final String CANARY = "CANARY-room-vault-5e81c2";
  private static final SecretValue CHAIN_KEY = SecretValue.ofUtf8("vault-canary-chain-key-0123");

  @TempDir Path dir;

  @Test
  void canary_throughRoom_neverInTraceLogExceptionsOrAuditFile() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    String name = VaultServers.unique("it-room-canary") + "/db/password";
    List<Throwable> thrown = new ArrayList<>();
    try (Strongroom room =
        Strongroom.builder()
            .backend(VaultServers.devBackend())
            .audit(AuditSinks.jsonLines(audit, CHAIN_KEY))
            .principal("vault-canary-it")
            .build()) {
      room.put(name, SecretValue.ofUtf8(CANARY + "-v1"));
      assertEquals(CANARY + "-v1", room.secret(name).copyUtf8String());
      room.rotate(
          name,
          current -> SecretValue.ofUtf8(CANARY + "-v2-from-" + current.copyUtf8String().length()));
      assertEquals(
          CANARY + "-v2-from-" + (CANARY + "-v1").length(), room.secret(name).copyUtf8String());
      thrown.add(
          assertThrows(
              StrongroomException.class,
              () ->
                  room.rotate(
                      name,
                      new SecretRotator() {
                        @Override
                        public SecretValue generate(SecretValue current) {
                          return SecretValue.ofUtf8(CANARY + "-refused");
                        }

                        @Override
                        public boolean verify(SecretValue pending) {
                          return false;
                        }
                      })));
      thrown.add(
          assertThrows(
              ConflictException.class, () -> room.put(name, SecretValue.ofUtf8(CANARY), 1)));
      thrown.add(assertThrows(NotFoundException.class, () -> room.secret(name + "-missing")));
      assertTrue(room.secret(name).copyUtf8String().startsWith(CANARY + "-v2"));
      room.destroy(name);
    }

    for (Throwable t : thrown) {
      StringWriter printed = new StringWriter();
      t.printStackTrace(new PrintWriter(printed));
      assertFalse(printed.toString().contains(CANARY), () -> "canary in " + printed);
    }
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);
    assertTrue(auditText.contains(name), "the audit file records the secret's name");
    assertTrue(auditText.contains("rotate"), "the audit file records the rotation");
    assertFalse(auditText.contains(CANARY), "canary in the audit file");
    assertTrue(AuditVerifier.verify(audit, CHAIN_KEY).ok(), "audit chain verifies");
    String log =
        Files.readString(
            Path.of(System.getProperty("strongroom.it.logFile")), StandardCharsets.UTF_8);
    assertTrue(log.contains("TRACE"), "the run logs at TRACE");
    assertTrue(log.contains(name), "the TRACE log covers this test's calls");
    assertFalse(log.contains(CANARY), "canary in the TRACE log");
  }
}
