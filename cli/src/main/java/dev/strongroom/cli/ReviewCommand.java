package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditCheckpointStore;
import dev.strongroom.review.ReviewOptions;
import dev.strongroom.review.ReviewReport;
import dev.strongroom.review.Reviewer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code review}: the periodic access review of the store (see {@link Reviewer}) over the store's
 * audit log, verified first.
 */
@Command(
    name = "review",
    description =
        "Access review: per secret its readers within the window, last read, CURRENT version and"
            + " age; per KEK its primary and minimum decryption version; then the findings"
            + " (unused: not read within --unused-for, never read included; not-rotated: CURRENT"
            + " older than --not-rotated-for; key-not-rotated: a KEK whose last creation or"
            + " rotation in the audit log is older than --not-rotated-for, or absent;"
            + " api-key-unused and api-key-not-rotated: active API keys; lease-outstanding: an"
            + " active check-out lease). The store's audit log is"
            + " verified first; one that does not verify is refused (exit 9). Exits 1 when a"
            + " finding named by --fail-on exists.")
final class ReviewCommand extends StoreCommand {
  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = LeaseCommands.DurationConverter.class,
      description = "Reads within this period give the readers (default 90d).")
  Duration window = ReviewOptions.DEFAULT_PERIOD;

  @Option(
      names = "--unused-for",
      paramLabel = "DURATION",
      converter = LeaseCommands.DurationConverter.class,
      description = "A secret not read within this period is unused (default 90d).")
  Duration unusedFor = ReviewOptions.DEFAULT_PERIOD;

  @Option(
      names = "--not-rotated-for",
      paramLabel = "DURATION",
      converter = LeaseCommands.DurationConverter.class,
      description = "A CURRENT version older than this is not-rotated (default 90d).")
  Duration notRotatedFor = ReviewOptions.DEFAULT_PERIOD;

  @Option(
      names = "--reader",
      paramLabel = "PRINCIPAL",
      description = "Count only reads by this principal (repeatable; default: every principal).")
  List<String> readers = new ArrayList<>();

  @Option(
      names = "--fail-on",
      paramLabel = "KIND",
      split = ",",
      converter = KindConverter.class,
      description =
          "Exit 1 when a finding of these kinds exists: unused, not-rotated, key-not-rotated.")
  List<ReviewReport.Kind> failOn = new ArrayList<>();

  /** The CLI's name of a finding's kind: {@code unused}, {@code not-rotated}. */
  static String kindName(ReviewReport.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@link #kindName}. */
  static final class KindConverter implements ITypeConverter<ReviewReport.Kind> {
    @Override
    public ReviewReport.Kind convert(String text) {
      for (ReviewReport.Kind k : ReviewReport.Kind.values()) {
        if (kindName(k).equals(text.trim())) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "expected one of "
              + java.util.Arrays.stream(ReviewReport.Kind.values())
                  .map(ReviewCommand::kindName)
                  .collect(java.util.stream.Collectors.joining(", "))
              + " but was '"
              + text
              + "'");
    }
  }

  @Override
  int run(RoomContext room) {
    ReviewOptions options =
        new ReviewOptions(window, unusedFor, notRotatedFor, new LinkedHashSet<>(readers));
    List<AuditCheckpointStore> mirrors = new ArrayList<>();
    room.cliMirror().ifPresent(mirrors::add);
    ReviewReport report;
    Progress progress = Progress.onStderr("review");
    try (SecretValue key = room.auditChainKey()) {
      report =
          Reviewer.review(
              room.room(),
              room.auditFile(),
              key,
              mirrors,
              room.clock(),
              options,
              progress.listener("audit lines", 100_000));
    } finally {
      progress.finish();
    }
    if (json()) {
      println(json(report));
    } else {
      table(report);
    }
    Set<ReviewReport.Kind> fail = failOn.isEmpty() ? Set.of() : EnumSet.copyOf(failOn);
    for (ReviewReport.Kind kind : fail) {
      if (report.has(kind)) {
        return Main.FAILED;
      }
    }
    return Main.OK;
  }

  private void table(ReviewReport report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "SECRET", "VERSION", "WRITTEN", "AGE", "LAST READ", "READERS (" + days(window) + ")"
        });
    for (ReviewReport.Secret s : report.secrets()) {
      rows.add(
          new String[] {
            s.name(),
            Long.toString(s.currentVersion()),
            s.currentCreated().toString(),
            days(s.currentAge()),
            s.lastRead().map(Object::toString).orElse("never"),
            s.readers().isEmpty() ? "-" : String.join(",", s.readers())
          });
    }
    printTable(rows);
    println("");
    List<String[]> keys = new ArrayList<>();
    keys.add(new String[] {"KEK", "PRIMARY", "MIN DECRYPT", "VERSIONS", "LAST ROTATION"});
    for (ReviewReport.Key k : report.keys()) {
      keys.add(
          new String[] {
            k.name(),
            Integer.toString(k.primaryVersion()),
            Integer.toString(k.minDecryptionVersion()),
            Integer.toString(k.versions()),
            k.lastRotation().map(Object::toString).orElse("not in the log")
          });
    }
    printTable(keys);
    println("");
    if (report.findings().isEmpty()) {
      println("no findings (" + report.auditLines() + " audit lines verified and read)");
    } else {
      println(
          report.findings().size()
              + " findings ("
              + report.auditLines()
              + " audit lines verified and read):");
      for (ReviewReport.Finding f : report.findings()) {
        println(kindName(f.kind()) + " " + f.name() + ": " + f.detail());
      }
    }
  }

  private void printTable(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      println(line.toString());
    }
  }

  private static String days(Duration d) {
    return d.toDays() + "d";
  }

  private static String json(ReviewReport report) {
    ReviewOptions o = report.options();
    StringBuilder out = new StringBuilder("{\"at\":").append(q(report.at().toString()));
    out.append(",\"window\":")
        .append(q(o.window().toString()))
        .append(",\"unusedFor\":")
        .append(q(o.unusedFor().toString()))
        .append(",\"notRotatedFor\":")
        .append(q(o.notRotatedFor().toString()))
        .append(",\"readerFilter\":")
        .append(strings(o.readers().stream().sorted().toList()))
        .append(",\"auditLines\":")
        .append(report.auditLines())
        .append(",\"secrets\":[");
    List<String> secrets = new ArrayList<>();
    for (ReviewReport.Secret s : report.secrets()) {
      secrets.add(
          "{\"name\":"
              + q(s.name())
              + ",\"currentVersion\":"
              + s.currentVersion()
              + ",\"currentCreated\":"
              + q(s.currentCreated().toString())
              + ",\"currentAgeSeconds\":"
              + s.currentAge().getSeconds()
              + ",\"lastRead\":"
              + s.lastRead().map(t -> q(t.toString())).orElse("null")
              + ",\"readers\":"
              + strings(List.copyOf(s.readers()))
              + ",\"readsInWindow\":"
              + s.readsInWindow()
              + "}");
    }
    out.append(String.join(",", secrets)).append("],\"keys\":[");
    out.append(
        report.keys().stream()
            .map(
                k ->
                    "{\"name\":"
                        + q(k.name())
                        + ",\"primaryVersion\":"
                        + k.primaryVersion()
                        + ",\"minDecryptionVersion\":"
                        + k.minDecryptionVersion()
                        + ",\"versions\":"
                        + k.versions()
                        + ",\"lastRotation\":"
                        + k.lastRotation().map(t -> q(t.toString())).orElse("null")
                        + "}")
            .collect(Collectors.joining(",")));
    out.append("],\"findings\":[");
    out.append(
        report.findings().stream()
            .map(
                f ->
                    "{\"kind\":"
                        + q(kindName(f.kind()))
                        + ",\"name\":"
                        + q(f.name())
                        + ",\"detail\":"
                        + q(f.detail())
                        + "}")
            .collect(Collectors.joining(",")));
    return out.append("]}").toString();
  }

  private static String strings(List<String> values) {
    return values.stream().map(StoreCommand::q).collect(Collectors.joining(",", "[", "]"));
  }
}
