package dev.strongroom.apikey;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.ApiKeyContractAccess;
import dev.strongroom.testkit.FaultInjectingBackend;
import dev.strongroom.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret part of issued keys (the canaries) never reaches a log line at TRACE, the audit file,
 * an exception, a toString or the SIEM export, through every API key operation.
 */
class ApiKeyCanaryTest {
  static {
    System.setProperty("org.slf4j.simpleLogger.log.dev.strongroom", "trace");
    System.setProperty("org.slf4j.simpleLogger.log.strongroom", "trace");
  }

  private static final SecretValue CHAIN_KEY = SecretValue.ofUtf8("canary-chain-key-0123456789");

  @TempDir Path dir;

  @Test
  void issuedKeys_neverInLogsAuditExceptionsToStringOrExport() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    List<String> canaries = new ArrayList<>();
    List<Object> returned = new ArrayList<>();
    List<Throwable> thrown = new ArrayList<>();
    StringWriter export = new StringWriter();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    MutableClock clock = MutableClock.create();
    FaultInjectingBackend backend = FaultInjectingBackend.wrap(MemoryBackend.create(clock));
    try (Strongroom room =
        Strongroom.builder()
            .backend(backend)
            .clock(clock)
            .executor(Runnable::run)
            .audit(AuditSinks.jsonLines(audit, CHAIN_KEY))
            .audit(AuditSinks.slf4j())
            .apiKeys(ApiKeyPolicy.builder().failureLimit(2, Duration.ofMinutes(1)).build())
            .build()) {
      ApiKeys keys = room.apiKeys();
      returned.add(keys);
      IssuedKey issued = keys.issue(IssueRequest.builder("live").owner("ci").build());
      returned.add(issued);
      returned.add(issued.info());
      String key = issued.key().copyUtf8String();
      addCanaries(canaries, key);
      returned.add(keys.verify(issued.key()));
      char[] wrong = key.toCharArray();
      wrong[30] = wrong[30] == 'a' ? 'b' : 'a';
      returned.add(keys.verify(wrong, key)); // a hostile "source" holding a key
      ApiKeyContractAccess.fixChecksum(wrong);
      returned.add(keys.verify(wrong));
      returned.add(keys.verify(wrong));
      returned.add(keys.verify(wrong)); // rate-limited
      IssuedKey rotated = keys.rotate(issued.id(), Duration.ofMinutes(5));
      String rotatedKey = rotated.key().copyUtf8String();
      addCanaries(canaries, rotatedKey);
      returned.add(rotated);
      returned.add(keys.revoke(rotated.id()));
      returned.add(keys.verify(rotated.key()));
      thrown.add(
          assertThrows(RuntimeException.class, () -> keys.renew(rotated.id(), Duration.ofDays(1))));
      thrown.add(assertThrows(RuntimeException.class, () -> keys.revoke(key)));
      thrown.add(assertThrows(RuntimeException.class, () -> keys.revoke("zzzzzzzzzzzz")));
      thrown.add(assertThrows(RuntimeException.class, () -> keys.revoke(key.substring(0, 60))));
      thrown.add(
          assertThrows(RuntimeException.class, () -> IssueRequest.builder(key.substring(0, 40))));
      thrown.add(
          assertThrows(
              RuntimeException.class,
              () -> IssueRequest.builder("live").owner("ci").scopes(key + " ")));
      backend.failing(true);
      clock.advance(Duration.ofMinutes(5));
      thrown.add(assertThrows(RuntimeException.class, () -> keys.verify(rotated.key())));
      backend.failing(false);
      returned.add(keys.list(ApiKeyQuery.all()));
      returned.add(keys.unusedFor(Duration.ofDays(1)));
      keys.exportJson(export);
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);
    assertTrue(log.contains("apikey.verify"), log);
    assertTrue(auditText.contains("apikey.rotate"), auditText);
    assertTrue(AuditVerifier.verify(audit, CHAIN_KEY).ok());
    assertTrue(export.toString().contains("\"status\""));
    for (String canary : canaries) {
      assertFalse(log.contains(canary), log);
      assertFalse(auditText.contains(canary), auditText);
      assertFalse(export.toString().contains(canary), export.toString());
      for (Throwable e : thrown) {
        StringWriter printed = new StringWriter();
        e.printStackTrace(new PrintWriter(printed));
        assertFalse(printed.toString().contains(canary), printed.toString());
      }
      for (Object o : returned) {
        assertFalse(String.valueOf(o).contains(canary), String.valueOf(o));
      }
    }
  }

  /** The secret part of {@code key} in 12-character pieces: a partial leak is caught too. */
  private static void addCanaries(List<String> canaries, String key) {
    String secret = key.substring(key.lastIndexOf('_') + 1);
    for (int i = 0; i + 12 <= secret.length(); i += 12) {
      canaries.add(secret.substring(i, i + 12));
    }
  }
}
