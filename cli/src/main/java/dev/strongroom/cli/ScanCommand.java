package dev.strongroom.cli;

import dev.strongroom.env.FileScanner;
import dev.strongroom.internal.room.EnvImport;
import dev.strongroom.spi.SecretVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scan PATH...}: hardcoded secrets in files (see {@link FileScanner}), printed as {@code
 * file:line:column: KIND: reason}, never the value; exits 1 on findings. With {@code --import},
 * each finding's value is stored and the reference to put in its place is printed. Not thread-safe.
 */
@Command(
    name = "scan",
    description = {
      "Find hardcoded secrets in files and folders (.env, .properties, .yml/.yaml, .json, .xml,"
          + " .toml/.ini/.conf, shell scripts, source code): known token formats (Strongroom API"
          + " keys by checksum, AWS, GitHub, Slack, Stripe, Vault, GitLab, npm, Google, JWT, PEM"
          + " private keys, URLs with a password), sensitive names with literal values and"
          + " high-entropy literals. Prints file:line:column, kind and reason, never the value.",
      "Skips .git/, what .gitignore files in the scanned folders exclude, binaries (a NUL byte"
          + " in the first 8 KiB) and files over --max-size (with a note on stderr).",
      "Exit codes: 0 nothing found, 1 findings (also with --import: the files still hold the"
          + " values until you replace them), 2 usage error."
    })
final class ScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to scan.")
  List<Path> paths;

  @Option(
      names = "--max-size",
      paramLabel = "BYTES",
      defaultValue = "" + FileScanner.DEFAULT_MAX_FILE_SIZE,
      description = "Skip files larger than this (default: ${DEFAULT-VALUE}).")
  long maxSize;

  @Option(
      names = "--import",
      description =
          "Store each finding's value under --prefix + a name derived from its key"
              + " (DB_PASSWORD and db.password give db/password; no key: FILE/line-N) and print"
              + " the reference to put in its place. Files are not changed.")
  boolean importFindings;

  @Option(
      names = "--prefix",
      paramLabel = "P",
      defaultValue = "",
      description = "With --import: a name prefix ending with '/', such as legacy/.")
  String prefix;

  @Override
  public Integer call() {
    if (!prefix.isEmpty() && !importFindings) {
      throw new CliError(Main.USAGE, "--prefix is only for --import");
    }
    boolean json = ((Main.Root) spec.root().userObject()).json;
    FileScanner scanner = FileScanner.create().withMaxFileSize(maxSize);
    Map<FileScanner.Finding, String> stored = new HashMap<>();
    FileScanner.Report report;
    if (importFindings) {
      EnvImport.checkPrefix(prefix);
      Set<String> used = new HashSet<>();
      try (RoomContext room = RoomContext.of((Main.Root) spec.root().userObject())) {
        report =
            scanner.scan(
                paths,
                (finding, value) -> {
                  String name = prefix + finding.suggestedName();
                  for (int n = 2; !used.add(name); n++) {
                    name = prefix + finding.suggestedName() + "-" + n;
                  }
                  SecretVersion v = room.room().put(name, value);
                  stored.put(finding, v.name());
                });
      }
    } else {
      report = scanner.scan(paths);
    }
    for (FileScanner.Skipped s : report.skipped()) {
      System.err.println("strongroom: skipped " + s.file() + ": " + s.reason());
    }
    if (json) {
      System.out.println(json(report, stored));
    } else {
      for (FileScanner.Finding f : report.findings()) {
        System.out.println(
            f.file() + ":" + f.line() + ":" + f.column() + ": " + f.kind() + ": " + f.reason());
        String name = stored.get(f);
        if (name != null) {
          System.out.println("  stored as " + name + "; put in its place: " + reference(f, name));
        }
      }
      System.out.println(
          report.findings().size()
              + " finding(s) in "
              + report.filesScanned()
              + " file(s) scanned ("
              + report.bytesScanned()
              + " bytes); "
              + report.skipped().size()
              + " skipped");
    }
    System.out.flush();
    return report.findings().isEmpty() ? Main.OK : Main.FAILED;
  }

  /**
   * The reference for a stored finding: in a Spring {@code .properties}/{@code .yml} file the
   * property the spring-boot module's {@code spring.config.import=strongroom:NAME} defines (secret
   * {@code a/b} is property {@code a.b}); elsewhere the env form {@code strongroom:NAME}.
   */
  static String reference(FileScanner.Finding f, String name) {
    String file = f.file().getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".properties") || file.endsWith(".yml") || file.endsWith(".yaml")) {
      return "${"
          + name.replace('/', '.')
          + "} (with spring.config.import=strongroom:"
          + name
          + ")";
    }
    return "strongroom:" + name;
  }

  private static String json(FileScanner.Report report, Map<FileScanner.Finding, String> stored) {
    List<String> findings = new ArrayList<>();
    for (FileScanner.Finding f : report.findings()) {
      StringBuilder o = new StringBuilder("{");
      o.append("\"file\":").append(StoreCommand.q(f.file().toString()));
      o.append(",\"line\":").append(f.line());
      o.append(",\"column\":").append(f.column());
      o.append(",\"kind\":").append(StoreCommand.q(f.kind().name()));
      o.append(",\"reason\":").append(StoreCommand.q(f.reason()));
      o.append(",\"key\":").append(StoreCommand.q(f.key()));
      o.append(",\"suggestedName\":").append(StoreCommand.q(f.suggestedName()));
      String name = stored.get(f);
      if (name != null) {
        o.append(",\"stored\":").append(StoreCommand.q(name));
        o.append(",\"reference\":").append(StoreCommand.q(reference(f, name)));
      }
      findings.add(o.append('}').toString());
    }
    List<String> skipped = new ArrayList<>();
    for (FileScanner.Skipped s : report.skipped()) {
      skipped.add(
          "{\"file\":"
              + StoreCommand.q(s.file().toString())
              + ",\"reason\":"
              + StoreCommand.q(s.reason())
              + "}");
    }
    return "{\"findings\":["
        + String.join(",", findings)
        + "],\"skipped\":["
        + String.join(",", skipped)
        + "],\"filesScanned\":"
        + report.filesScanned()
        + ",\"bytesScanned\":"
        + report.bytesScanned()
        + "}";
  }
}
