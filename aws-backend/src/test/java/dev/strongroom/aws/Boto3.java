package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The native boto3 client against the shared moto server: runs a Python snippet with {@code sm}
 * bound to a Secrets Manager client on {@code STRONGROOM_AWS_ENDPOINT} and the arguments in {@code
 * args}. The interpreter is moto's venv ({@code ~/.cache/strongroom/venv-moto/bin/python}, where
 * scripts/servers/moto.sh installs boto3 pinned) unless {@code -Dstrongroom.it.python} says
 * otherwise. Missing, it fails the test when {@code CI=true} and skips it otherwise.
 */
final class Boto3 {
  private static final String PRELUDE =
      "import sys, os, json, base64, boto3\n"
          + "sm = boto3.client('secretsmanager', endpoint_url=os.environ['STRONGROOM_AWS_ENDPOINT'],"
          + " region_name=os.environ.get('AWS_REGION', 'us-east-1'))\n"
          + "args = sys.argv[1:]\n"
          + "out = sys.stdout.buffer\n";

  private Boto3() {}

  static Path python() {
    Path python =
        Path.of(
            System.getProperty(
                "strongroom.it.python",
                System.getProperty("user.home") + "/.cache/strongroom/venv-moto/bin/python"));
    boolean ok = Files.isExecutable(python) && exec(python, "import boto3", List.of()).exit == 0;
    if (!ok) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and boto3 is missing at " + python + ": run scripts/servers/moto.sh install");
      }
      Assumptions.abort("boto3 is missing at " + python + " (run scripts/servers/moto.sh install)");
    }
    return python;
  }

  /** Runs {@code code} after the prelude; expects exit 0; returns stdout's bytes. */
  static byte[] run(String code, String... args) {
    MotoServers.endpoint();
    Result result = exec(python(), PRELUDE + code, List.of(args));
    assertEquals(0, result.exit, () -> "boto3 snippet failed: " + result.err);
    return result.out;
  }

  static String text(String code, String... args) {
    return new String(run(code, args), StandardCharsets.UTF_8);
  }

  private record Result(int exit, byte[] out, String err) {}

  private static Result exec(Path python, String code, List<String> args) {
    List<String> command = new ArrayList<>(List.of(python.toString(), "-c", code));
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain =
          new Thread(
              () -> {
                try {
                  process.getErrorStream().transferTo(err);
                } catch (IOException e) {
                  // ended
                }
              });
      drain.start();
      byte[] out = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python timed out");
      drain.join();
      return new Result(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, new byte[0], e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
