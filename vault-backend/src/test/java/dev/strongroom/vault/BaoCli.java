package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The native {@code bao} CLI against the dev server ({@code BAO_ADDR}/{@code BAO_TOKEN} from the
 * Strongroom server variables). Its binary is {@code ~/.cache/strongroom/bin/bao} unless {@code
 * -Dstrongroom.it.bao} says otherwise. Missing, it fails the test when {@code CI=true} and skips it
 * otherwise.
 */
final class BaoCli {
  private BaoCli() {}

  static Path binary() {
    Path bao =
        Path.of(
            System.getProperty(
                "strongroom.it.bao",
                System.getProperty("user.home") + "/.cache/strongroom/bin/bao"));
    if (!Files.isExecutable(bao)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and the bao CLI is missing at " + bao + ": run scripts/servers/openbao.sh");
      }
      Assumptions.abort("the bao CLI is missing at " + bao + " (run scripts/servers/openbao.sh)");
    }
    return bao;
  }

  /** Runs {@code bao ARGS}, expects exit 0, returns stdout's bytes. */
  static byte[] run(String... args) {
    Result result = exec(args);
    assertEquals(
        0, result.exit(), () -> "bao " + args[0] + " " + args[1] + " failed: " + result.err());
    return result.out();
  }

  /** Runs {@code bao ARGS} and returns stdout's text. */
  static String text(String... args) {
    return new String(run(args), StandardCharsets.UTF_8);
  }

  record Result(int exit, byte[] out, String err) {}

  static Result exec(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("BAO_ADDR", VaultServers.env("STRONGROOM_VAULT_ADDR"));
    builder.environment().put("BAO_TOKEN", VaultServers.env("STRONGROOM_VAULT_TOKEN"));
    builder.environment().remove("VAULT_ADDR");
    builder.environment().remove("VAULT_TOKEN");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> copy(process.getErrorStream(), err));
      drain.start();
      byte[] out = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bao timed out");
      drain.join();
      return new Result(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("could not run bao", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // the process ended
    }
  }
}
