package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.AuditVerification;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary secret through the whole room on AWS (moto): written, read, watched, rotated (to another
 * canary), used as plaintext and as encryption context, and pushed through failures (conflict, not
 * found, wrong context, rotation failure, unreachable backend), with a JSON-lines audit file. The
 * canaries must appear in no exception (message, toString, causes, suppressed), in no line of the
 * TRACE log (target/strongroom-aws-trace.log, the AWS SDK's wire logging included) and in no line
 * of the audit file, which must verify and record the operations.
 */
class RoomCanaryIT {
  private static final Path LOG = Path.of("target", "strongroom-aws-trace.log");

  private final String canary = "CANARY-" + UUID.randomUUID();
  private final String rotated = "CANARY-ROTATED-" + UUID.randomUUID();
  private final List<Throwable> failures = new ArrayList<>();

  private void capture(Class<? extends Throwable> expected, Runnable action) {
    try {
      action.run();
      throw new AssertionError("expected " + expected.getSimpleName());
    } catch (StrongroomException e) {
      assertInstanceOf(expected, e, () -> chain(e));
      failures.add(e);
    }
  }

  private static String chain(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable e = t; e != null; e = e.getCause()) {
      out.append(e).append('\n');
      for (Throwable s : e.getSuppressed()) {
        out.append(chain(s));
      }
    }
    return out.toString();
  }

  @Test
  void canary_throughRoom_neverInExceptionsTraceLogOrAuditFile(@TempDir Path dir) throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    SecretValue chainKey = SecretValue.ofUtf8("audit-chain-key-0123456789abcdef");
    String ns = MotoServers.namespace();
    EncryptionContext canaryContext = EncryptionContext.of("token", canary);
    try (Strongroom room =
        Strongroom.builder()
            .backend(MotoServers.open(ns))
            .refreshAfter(Duration.ofMillis(200))
            .principal("canary-test")
            .audit(AuditSinks.jsonLines(audit, chainKey))
            .build()) {
      room.put("app/token", SecretValue.ofUtf8(canary));
      assertEquals(canary, room.secret("app/token").copyUtf8String());
      CountDownLatch told = new CountDownLatch(1);
      room.onChange("app/token", (name, version, value) -> told.countDown());

      byte[] sealed = room.encrypt(canary.getBytes(StandardCharsets.UTF_8), canaryContext);
      assertEquals(canary, new String(room.decrypt(sealed, canaryContext), StandardCharsets.UTF_8));

      capture(
          ConflictException.class,
          () -> room.put("app/token", SecretValue.ofUtf8(canary), 0)); // exists already
      capture(NotFoundException.class, () -> room.secret("app/missing"));
      capture(
          InvalidCiphertextException.class,
          () -> room.decrypt(sealed, EncryptionContext.of("token", canary + "x")));
      capture(
          StrongroomException.class,
          () ->
              room.rotate(
                  "app/token",
                  new SecretRotator() {
                    @Override
                    public SecretValue generate(SecretValue current) {
                      return SecretValue.ofUtf8(rotated + "-rejected");
                    }

                    @Override
                    public boolean verify(SecretValue pending) {
                      return false;
                    }
                  }));
      room.rotate("app/token", current -> SecretValue.ofUtf8(rotated));
      assertTrue(told.await(30, TimeUnit.SECONDS), "listener not told of the rotation");
      assertEquals(rotated, room.secret("app/token").copyUtf8String());
      assertFalse(room.toString().contains("CANARY"));
      assertFalse(room.metadata("app/token").toString().contains("CANARY"));
    }
    try (Strongroom down =
        Strongroom.builder()
            .backend(
                MotoServers.open(
                    MotoServers.uri(
                        "http://127.0.0.1:" + closedPort(),
                        "canary",
                        "maxAttempts=1&timeoutSeconds=5")))
            .build()) {
      capture(
          BackendUnavailableException.class,
          () -> down.put("app/token", SecretValue.ofUtf8(canary)));
      capture(BackendUnavailableException.class, () -> down.secret("app/token"));
    }

    assertEquals(6, failures.size());
    for (Throwable failure : failures) {
      String text = chain(failure);
      assertFalse(text.contains("CANARY"), text);
    }
    String log = Files.readString(LOG, StandardCharsets.UTF_8);
    assertTrue(log.contains("TRACE"), "expected TRACE logging in " + LOG);
    assertTrue(log.contains("software.amazon.awssdk"), "expected the SDK's own log lines");
    assertFalse(log.contains(canary), "the canary reached " + LOG);
    assertFalse(log.contains(rotated), "the rotated canary reached " + LOG);

    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    String all = String.join("\n", lines);
    assertFalse(all.contains("CANARY"), "a canary reached the audit file");
    for (String op : List.of("\"write\"", "\"read\"", "\"rotate\"", "\"encrypt\"", "\"decrypt\"")) {
      assertTrue(all.contains(op), () -> "no " + op + " event in the audit file:\n" + all);
    }
    assertTrue(all.contains("canary-test"), all);
    AuditVerification verification = AuditVerifier.verify(audit, chainKey);
    assertTrue(verification.ok(), verification.toString());
    assertEquals(lines.size(), verification.lineCount());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
