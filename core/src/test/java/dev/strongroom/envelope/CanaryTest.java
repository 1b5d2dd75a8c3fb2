package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.envelope.EnvelopeHeader;
import dev.strongroom.kek.LocalKeyring;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import dev.strongroom.testkit.StaticKek;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A canary plaintext and a canary secret (used as the data key itself) never appear in a {@code
 * toString()}, an exception message or stack trace (causes and suppressed included), or a log line.
 *
 * <p>Logs: slf4j-simple is configured by src/test/resources/simplelogger.properties to log
 * everything at TRACE to whatever {@code System.err} is at the time of each line; this test swaps
 * System.err and System.out for buffers and puts a JUL handler at ALL on the root logger (Tink and
 * Caffeine log through JUL / System.Logger). A probe line through each proves the capture works.
 */
class CanaryTest {
  private static final String PLAINTEXT_CANARY = "CANARY-PLAINTEXT-d41f7a";
  private static final String SECRET_CANARY = "CANARY-SECRET-DEK-0123456789abcd"; // 32 bytes
  private static final String SECRET_HEX =
      HexFormat.of().formatHex(SECRET_CANARY.getBytes(StandardCharsets.UTF_8));
  private static final String KEK_HEX = HexFormat.of().formatHex(new byte[32]).replace('0', '7');

  private final List<Throwable> failures = new ArrayList<>();

  @Test
  void toString_ofValuesAndRequests_neverShowsCanaries() {
    SecretValue secret = SecretValue.ofUtf8(SECRET_CANARY);
    byte[] canaryBytes = SECRET_CANARY.getBytes(StandardCharsets.UTF_8);
    LocalKeyring keyring = LocalKeyring.inMemory();
    keyring.createKey("k");
    Kek kek = Kek.of(keyring, "k");
    WrappedKey wrapped = new WrappedKey(canaryBytes, 1);
    List<Object> values =
        List.of(
            secret,
            EncryptionContext.of("table", "users"),
            kek,
            Kek.of(StaticKek.of("static:x", KEK_HEX, 1), "x"),
            DataKeyCachePolicy.defaults(),
            new EnvelopeStats(1, 2, 3, 4, 5),
            new WrapRequest("k", secret, canaryBytes),
            new WrapRequest.Generate("k", canaryBytes),
            new UnwrapRequest("k", canaryBytes, canaryBytes),
            wrapped,
            new GeneratedKey(secret, wrapped),
            Envelope.of(kek));

    for (Object value : values) {
      assertClean(String.valueOf(value), value.getClass().getSimpleName() + ".toString()");
    }
    assertEquals("SecretValue[redacted]", secret.toString());
  }

  @Test
  void failingOperations_neverShowCanariesInExceptionsOrLogs() throws Exception {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    Logger root = Logger.getLogger("");
    Level rootLevel = root.getLevel();
    StringBuilder jul = new StringBuilder();
    Handler julHandler = julHandler(jul);
    System.setErr(capture);
    System.setOut(capture);
    root.setLevel(Level.ALL);
    root.addHandler(julHandler);
    try {
      LoggerFactory.getLogger(Envelope.class).trace("slf4j trace probe {}", 1);
      Logger.getLogger(Envelope.class.getName()).finest("jul finest probe");
      runFailingOperations();
    } finally {
      root.removeHandler(julHandler);
      root.setLevel(rootLevel);
      System.setErr(err);
      System.setOut(out);
    }

    String logs = captured.toString(StandardCharsets.UTF_8) + jul;
    assertTrue(logs.contains("slf4j trace probe 1"), "slf4j TRACE capture works: " + logs);
    assertTrue(logs.contains("jul finest probe"), "JUL capture works");
    assertClean(logs, "logs");
    assertTrue(failures.size() >= 8, "every scenario failed: " + failures.size());
    for (Throwable failure : failures) {
      assertClean(describe(failure), "exception " + failure.getClass().getSimpleName());
    }
  }

  private void runFailingOperations() throws Exception {
    byte[] plaintext = PLAINTEXT_CANARY.getBytes(StandardCharsets.UTF_8);
    StaticKek service = StaticKek.generating("static:canary", KEK_HEX, SECRET_HEX, 1);
    Envelope envelope = Envelope.of(Kek.of(service, "canary"));
    EncryptionContext context = EncryptionContext.of("table", "users");
    byte[] ciphertext = envelope.encrypt(plaintext, context);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream stream = envelope.encryptingStream(sink, context)) {
      stream.write(plaintext);
    }
    byte[] streamed = sink.toByteArray();
    Envelope fresh = Envelope.of(Kek.of(service, "canary"));
    Envelope wrongKek =
        Envelope.of(Kek.of(StaticKek.of("static:canary", KEK_HEX.replace('7', '6'), 1), "c"));
    Envelope down = Envelope.of(Kek.of(new DownService(), "canary"));
    LocalKeyring keyring = LocalKeyring.inMemory();
    keyring.createKey("k");
    Envelope local = Envelope.of(Kek.of(keyring, "k"));
    byte[] localCiphertext = local.encrypt(plaintext, context);
    byte[] localTampered = flip(localCiphertext, EnvelopeHeader.FIXED_LENGTH + 10);

    expectFailure(() -> envelope.decrypt(ciphertext, EncryptionContext.of("table", "orders")));
    expectFailure(() -> fresh.decrypt(flip(ciphertext, ciphertext.length - 1), context));
    expectFailure(() -> fresh.decrypt(Arrays.copyOf(ciphertext, ciphertext.length - 1), context));
    expectFailure(() -> fresh.decrypt(flip(ciphertext, 3), context)); // commitment
    expectFailure(() -> wrongKek.decrypt(ciphertext, context)); // unwrap fails, AEAD cause
    expectFailure(() -> down.decrypt(ciphertext, context)); // backend unavailable
    expectFailure(() -> local.decrypt(localTampered, context)); // Tink's exception as cause
    expectFailure(() -> Envelope.of(Kek.of(keyring, "k")).rewrap(localTampered));
    expectFailure(() -> fresh.decrypt(flip(streamed, streamed.length - 1), context));
    expectFailure(
        () -> {
          InputStream in =
              fresh.decryptingStream(
                  new ByteArrayInputStream(flip(streamed, streamed.length - 1)), context);
          in.readAllBytes();
        });
    expectFailure(() -> keyring.unwrap(new UnwrapRequest("k", plaintext, plaintext)));
  }

  private void expectFailure(ThrowingRunnable action) {
    try {
      action.run();
    } catch (Throwable t) {
      failures.add(t);
      return;
    }
    throw new AssertionError("expected the operation to fail");
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Every message, toString and stack trace in the cause and suppressed graph. */
  private static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> todo = new ArrayList<>(List.of(failure));
    while (!todo.isEmpty()) {
      Throwable t = todo.remove(todo.size() - 1);
      if (!seen.add(t)) {
        continue;
      }
      out.append(t.getMessage()).append('\n').append(t.getLocalizedMessage()).append('\n');
      out.append(t).append('\n');
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      todo.addAll(Arrays.asList(t.getSuppressed()));
    }
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return out.append(trace).toString();
  }

  /** Fails if {@code text} holds a canary as text, hex or Base64. */
  private static void assertClean(String text, String where) {
    for (String canary : List.of(PLAINTEXT_CANARY, SECRET_CANARY)) {
      byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
      for (String form :
          List.of(
              canary,
              canary.substring(0, 12),
              HexFormat.of().formatHex(bytes),
              HexFormat.of().withUpperCase().formatHex(bytes),
              Base64.getEncoder().encodeToString(bytes),
              Arrays.toString(bytes))) {
        assertFalse(text.contains(form), () -> where + " contains a canary: " + text);
      }
    }
  }

  private static Handler julHandler(StringBuilder sink) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (sink) {
          sink.append(record.getLoggerName())
              .append(' ')
              .append(record.getMessage())
              .append(' ')
              .append(Arrays.toString(record.getParameters()))
              .append('\n');
          if (record.getThrown() != null) {
            sink.append(describe(record.getThrown()));
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static byte[] flip(byte[] bytes, int offset) {
    byte[] out = bytes.clone();
    out[offset] ^= 1;
    return out;
  }

  /** A key service that is always down. */
  private static final class DownService implements KeyEncryptionService {
    @Override
    public String keyRef(String keyName) {
      return "static:canary";
    }

    @Override
    public WrappedKey wrap(WrapRequest request) {
      throw new BackendUnavailableException("key service down");
    }

    @Override
    public SecretValue unwrap(UnwrapRequest request) {
      throw new BackendUnavailableException("key service down");
    }

    @Override
    public WrappedKey rewrap(UnwrapRequest request) {
      throw new BackendUnavailableException("key service down");
    }

    @Override
    public KeyInfo createKey(String keyName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyInfo rotate(String keyName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyInfo describe(String keyName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyInfo setMinDecryptionVersion(String keyName, int version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void destroyKey(String keyName) {
      throw new UnsupportedOperationException();
    }
  }
}
