package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./strongroom} launcher as a user would, for the CLI integration tests: in
 * {@code dir}, with the test's environment over the inherited one (from which any master key or
 * passphrase is removed first), {@code stdin} written and closed, at most 120 s.
 */
final class Launcher {
  static final Path PATH = Path.of("..", "strongroom").toAbsolutePath().normalize();

  private Launcher() {}

  /** What a run printed and returned. */
  record Output(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  static Output run(Path dir, Map<String, String> env, byte[] stdin, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(PATH.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("STRONGROOM_MASTER_KEY");
    builder.environment().remove("STRONGROOM_PASSPHRASE");
    builder.environment().putAll(env);
    Process p = builder.start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the command did not read all its input: its exit code says what happened
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
    return new Output(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
