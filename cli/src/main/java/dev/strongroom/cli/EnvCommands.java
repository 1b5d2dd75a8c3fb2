package dev.strongroom.cli;

import dev.strongroom.env.EnvFile;
import dev.strongroom.env.SecretScanner;
import dev.strongroom.spi.SecretVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import-env} and {@code scan-env}: moving secrets out of environment variables. */
final class EnvCommands {
  private EnvCommands() {}

  @Command(
      name = "import-env",
      description =
          "Import an env file (KEY=value lines) into the store: DB_PASSWORD becomes db/password"
              + " (under --prefix if given). Prints names and versions, never values.")
  static final class ImportEnv extends StoreCommand {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--prefix",
        paramLabel = "P",
        defaultValue = "",
        description = "A name prefix ending with '/', such as legacy/.")
    String prefix;

    @Override
    int run(RoomContext room) {
      Progress progress = Progress.onStderr("import-env");
      List<SecretVersion> written;
      try {
        written = room.room().importEnv(file, prefix, progress.listener("secrets", 100));
      } finally {
        progress.finish();
      }
      if (json()) {
        println(
            written.stream()
                .map(v -> "{\"name\":" + q(v.name()) + ",\"version\":" + v.version() + "}")
                .collect(Collectors.joining(",", "[", "]")));
      } else {
        written.forEach(v -> println("imported " + v.name() + " version " + v.version()));
        println("imported " + written.size() + " secret(s) from " + file);
      }
      return Main.OK;
    }
  }

  @Command(
      name = "scan-env",
      description =
          "Flag variables that look like hardcoded secrets, in this process's environment or in"
              + " an env file. Prints names and reasons, never values; exits 1 if any is found.")
  static final class ScanEnv extends StoreCommand {
    @Option(names = "--file", paramLabel = "F", description = "Scan this env file instead.")
    Path file;

    @Override
    int run(RoomContext room) {
      List<SecretScanner.Finding> findings;
      if (file == null) {
        findings = SecretScanner.scanEnvironment();
      } else {
        EnvFile env = EnvFile.parse(file);
        Map<String, String> variables = new LinkedHashMap<>();
        try {
          env.entries().forEach(e -> variables.put(e.key(), e.value().copyUtf8String()));
          findings = SecretScanner.scan(variables);
        } finally {
          variables.clear();
          env.wipe();
        }
      }
      if (json()) {
        println(
            findings.stream()
                .map(
                    f ->
                        "{\"variable\":"
                            + q(f.variable())
                            + ",\"kind\":"
                            + q(f.kind().name())
                            + ",\"reason\":"
                            + q(f.description())
                            + "}")
                .collect(Collectors.joining(",", "[", "]")));
      } else {
        findings.forEach(
            f -> println(f.variable() + ": " + f.description() + " (" + f.kind() + ")"));
        if (findings.isEmpty()) {
          println("no secret-looking variables");
        }
      }
      return findings.isEmpty() ? Main.OK : Main.FAILED;
    }
  }
}
