package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A canary secret never reaches an exception message (causes and suppressed included) or the log,
 * with everything (the AWS SDK too) logging at TRACE into target/strongroom-aws-trace.log; and no
 * AWS response body (the service's error message) is copied into our exception messages.
 */
class CanaryIT {
  private static final Path LOG = Path.of("target", "strongroom-aws-trace.log");
  private final String canary = "CANARY-" + UUID.randomUUID();
  private final List<Throwable> failures = new ArrayList<>();

  private void capture(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
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
  void canary_neverInMessagesOrTraceLog() throws IOException {
    try (Backend backend = MotoServers.open(MotoServers.namespace())) {
      var store = backend.secrets();
      store.write(new WriteRequest("canary", SecretValue.ofUtf8(canary), Stage.CURRENT, 0));
      var read = store.read(ReadRequest.current("canary")).orElseThrow();
      assertTrue(read.value().copyUtf8String().equals(canary));
      assertFalse(read.toString().contains(canary));
      store.readAll(List.of(ReadRequest.current("canary")));
      capture(
          () ->
              store.write(
                  new WriteRequest("canary", SecretValue.ofUtf8(canary + "x"), Stage.CURRENT, 0)));
      store.delete("canary");
      capture(
          () ->
              store.write(
                  new WriteRequest("canary", SecretValue.ofUtf8(canary), Stage.CURRENT, 1)));
      capture(() -> store.metadata("missing"));
      capture(() -> backend.keys().describe("missing"));
    }
    try (Backend down =
        MotoServers.open(
            MotoServers.uri(
                "http://127.0.0.1:" + closedPort(), "canary", "maxAttempts=1&timeoutSeconds=5"))) {
      capture(
          () ->
              down.secrets()
                  .write(new WriteRequest("canary", SecretValue.ofUtf8(canary), Stage.CURRENT, 0)));
    }
    assertTrue(failures.get(0) instanceof ConflictException, chain(failures.get(0)));
    assertTrue(failures.get(1) instanceof ConflictException, chain(failures.get(1)));
    assertTrue(failures.get(2) instanceof NotFoundException, chain(failures.get(2)));
    assertTrue(failures.get(3) instanceof NotFoundException, chain(failures.get(3)));
    assertTrue(failures.get(4) instanceof BackendUnavailableException, chain(failures.get(4)));
    for (Throwable failure : failures) {
      String text = chain(failure);
      assertFalse(text.contains(canary), text);
      // moto's error bodies say "Secrets Manager can't find the specified secret." and
      // "Invalid keyId ...": neither may be copied into our messages or kept causes.
      assertFalse(text.contains("can't find"), text);
      assertFalse(text.contains("Invalid keyId"), text);
    }
    String log = Files.readString(LOG, StandardCharsets.UTF_8);
    assertTrue(log.contains("TRACE"), "expected TRACE logging in " + LOG);
    assertTrue(log.contains("software.amazon.awssdk"), "expected the SDK's own log lines");
    assertFalse(log.contains(canary), "the canary reached " + LOG);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
