package dev.strongroom.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns JMH JSON results into the report: merges one or more JSON files into {@code PREFIX.json},
 * writes {@code PREFIX.md} (ratio tables: each score over its benchmark's {@linkplain #baseline
 * baseline} at the same size and thread count, raw JCA with a reused cipher unless said otherwise;
 * allocation per operation where {@code -prof gc} ran; the issues' targets, met or missed) and
 * {@code PREFIX.png} (throughput ratio against message size, one series per implementation,
 * log-log). {@code PREFIX.env.md}, if present (the runner writes the machine, the JDK and the
 * KEK-call count there), is appended to the markdown. Usage: {@code ReportGenerator PREFIX
 * in.json...}; {@code ReportGenerator PREFIX PREFIX.json} redoes a report. Stateless.
 */
public final class ReportGenerator {
  /** The default baseline of ratios: raw JCA AES-256-GCM with a reused {@code Cipher}. */
  static final String BASELINE = "jcaReused";

  static final String OURS = "strongroom";

  /** Strongroom on each crypto provider: the default (AUTO), SunJCE only, ACCP only. */
  private static final String[] OURS_ANY_PROVIDER = {OURS, "strongroomJdk", "strongroomAccp"};

  /** Benchmarks whose ratios use another baseline than {@link #BASELINE}. */
  private static final Map<String, String> OTHER_BASELINES =
      Map.of(
          "SecretReadBenchmark.read",
          "caffeine",
          "AuditedReadBenchmark.read",
          "caffeine",
          "StreamBenchmark.encrypt",
          "jcaChunked",
          "StreamBenchmark.decrypt",
          "jcaChunked");

  /**
   * Benchmark classes with one method per implementation (so the baseline's method holds nothing
   * but the baseline) instead of an {@code impl} parameter, and the name they are reported under:
   * {@code SecretReadBenchmark.caffeine} is reported as {@code SecretReadBenchmark.read} with impl
   * {@code caffeine}.
   */
  private static final Map<String, String> METHOD_PER_IMPL =
      Map.of(
          "SecretReadBenchmark", "read", "AuditedReadBenchmark", "read", "NonceBenchmark", "next");

  /** Benchmarks reported as absolute operations per second, without ratios. */
  private static final Set<String> ABSOLUTE =
      Set.of("ApiKeyVerifyBenchmark.verify", "AuditSinkBenchmark.append", "NonceBenchmark.next");

  /** The API-key verification target of issue 8, in verifications per second on one thread. */
  static final double API_KEY_VERIFY_TARGET = 1_000_000;

  /** Issue 18: an unaudited cached read costs at most 10× a bare Caffeine hit (ratio ≥ 0.1). */
  static final double SECRET_READ_TARGET = 0.1;

  /** Issue 12: an audited cached read costs at most 20× a bare Caffeine hit (ratio ≥ 0.05). */
  static final double AUDITED_READ_TARGET = 0.05;

  /** Issue 12: the JSON-lines sink appends at least this many events per second, every event. */
  static final double AUDIT_APPEND_TARGET = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BasicStroke THICK = new BasicStroke(4f);
  private static final BasicStroke NORMAL = new BasicStroke(1.5f);

  /**
   * One JMH result: benchmark (simple name), impl, size (bytes; 0 for a benchmark without a size
   * parameter), threads, score and allocation.
   */
  record Row(
      String benchmark, String impl, long size, int threads, double score, Double allocPerOp) {}

  private final List<Row> rows;

  ReportGenerator(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /** Entry point: {@code PREFIX in.json...}. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ReportGenerator PREFIX in.json...");
      System.exit(2);
    }
    ArrayNode merged = JSON.createArrayNode();
    for (int i = 1; i < args.length; i++) {
      JSON.readTree(Path.of(args[i]).toFile()).forEach(merged::add);
    }
    String prefix = args[0];
    JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(prefix + ".json").toFile(), merged);
    ReportGenerator report = new ReportGenerator(parse(merged));
    String title = Path.of(prefix).getFileName().toString();
    String markdown = report.markdown(title);
    Path environment = Path.of(prefix + ".env.md");
    if (Files.exists(environment)) {
      markdown += "\n" + Files.readString(environment);
    }
    Files.writeString(Path.of(prefix + ".md"), markdown);
    report.chart(title, prefix + ".png");
    System.out.println("wrote " + prefix + ".json, .md, .png");
  }

  /** Reads JMH's JSON array. */
  static List<Row> parse(JsonNode results) {
    List<Row> out = new ArrayList<>();
    for (JsonNode r : results) {
      String benchmark = r.get("benchmark").asText();
      String name =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      JsonNode params = r.path("params");
      String impl = params.path("impl").asText();
      String className = name.substring(0, name.indexOf('.'));
      if (!params.has("impl") && METHOD_PER_IMPL.containsKey(className)) {
        impl = name.substring(name.indexOf('.') + 1);
        name = className + "." + METHOD_PER_IMPL.get(className);
      }
      long size =
          params.has("size")
              ? params.get("size").asLong()
              : params.path("totalMiB").asLong() * 1024 * 1024;
      JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
      out.add(
          new Row(
              name,
              impl,
              size,
              r.path("threads").asInt(1),
              r.path("primaryMetric").path("score").asDouble(),
              alloc.isNumber() ? alloc.asDouble() : null));
    }
    return out;
  }

  /**
   * The implementation {@code benchmark}'s ratios divide by: {@link #BASELINE} for the message
   * benchmarks, {@code jcaChunked} (raw JCA in messages of our chunk size) for streams, {@code
   * caffeine} (a bare cache hit) for secret reads, none for benchmarks reported as absolute numbers
   * (API-key verification).
   */
  static Optional<String> baseline(String benchmark) {
    if (ABSOLUTE.contains(benchmark)) {
      return Optional.empty();
    }
    return Optional.of(OTHER_BASELINES.getOrDefault(benchmark, BASELINE));
  }

  /** The score of {@code impl} divided by the baseline's at the same point, if both ran. */
  Optional<Double> ratio(String benchmark, String impl, long size, int threads) {
    return baseline(benchmark)
        .flatMap(
            base ->
                score(benchmark, impl, size, threads)
                    .flatMap(s -> score(benchmark, base, size, threads).map(b -> s / b)));
  }

  Optional<Double> score(String benchmark, String impl, long size, int threads) {
    return rows.stream()
        .filter(
            r ->
                r.benchmark().equals(benchmark)
                    && r.impl().equals(impl)
                    && r.size() == size
                    && r.threads() == threads)
        .map(Row::score)
        .findFirst();
  }

  /** The markdown report. */
  String markdown(String title) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark report: ").append(title).append("\n\n");
    md.append(
        "Cells: operations per second (ratio to the table's baseline at the same size and thread"
            + " count: raw JCA AES-256-GCM with a reused `Cipher` unless the title names another;"
            + " no ratio in absolute tables). Streams: one operation is the whole stream.\n");
    for (String benchmark : benchmarks()) {
      for (int threads : threads(benchmark)) {
        table(md, benchmark, threads);
      }
    }
    allocations(md);
    targets(md);
    return md.toString();
  }

  private void table(StringBuilder md, String benchmark, int threads) {
    List<Long> sizes = sizes(benchmark);
    md.append("\n## ").append(benchmark).append(", ").append(threads).append(" thread");
    md.append(threads == 1 ? "" : "s");
    Optional<String> baseline = baseline(benchmark);
    if (baseline.isEmpty()) {
      md.append(" (absolute)");
    } else if (!baseline.get().equals(BASELINE)) {
      md.append(" (ratios to ").append(baseline.get()).append(')');
    }
    md.append("\n\n| impl |");
    sizes.forEach(s -> md.append(' ').append(s == 0 ? "ops/s" : size(s)).append(" |"));
    md.append("\n|---|");
    sizes.forEach(s -> md.append("---|"));
    md.append('\n');
    for (String impl : impls(benchmark, threads)) {
      md.append("| ").append(impl).append(" |");
      for (long size : sizes) {
        Optional<Double> score = score(benchmark, impl, size, threads);
        md.append(' ')
            .append(score.map(ReportGenerator::count).orElse("–"))
            .append(
                ratio(benchmark, impl, size, threads).map(r -> " (" + ratio(r) + ")").orElse(""))
            .append(" |");
      }
      md.append('\n');
    }
  }

  private void allocations(StringBuilder md) {
    List<Row> withAlloc = rows.stream().filter(r -> r.allocPerOp() != null).toList();
    if (withAlloc.isEmpty()) {
      return;
    }
    md.append("\n## Allocation per operation (`-prof gc`, gc.alloc.rate.norm)\n\n");
    md.append("| benchmark | impl | size | threads | B/op | B/op per payload byte |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (Row r : withAlloc) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s |%n",
              r.benchmark(),
              r.impl(),
              r.size() == 0 ? "–" : size(r.size()),
              r.threads(),
              count(r.allocPerOp()),
              r.size() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", r.allocPerOp() / r.size())));
    }
  }

  private void targets(StringBuilder md) {
    md.append(
        "\n## Targets (issues 7, 8, 12 and 18)\n\n| target | measured | verdict |\n|---|---|---|\n");
    for (String benchmark : List.of("EncryptBenchmark.encrypt", "DecryptBenchmark.decrypt")) {
      target(md, benchmark + ": ours / jcaReused at 1 KiB", ratio(benchmark, OURS, 1024, 1), 0.8);
      target(
          md, benchmark + ": ours / jcaReused at 1 MiB", ratio(benchmark, OURS, 1 << 20, 1), 0.95);
      for (long size : List.of(1024L, 1L << 20)) {
        target(
            md,
            benchmark + ": ours 2 threads / 1 thread at " + size(size),
            score(benchmark, OURS, size, 2)
                .flatMap(t2 -> score(benchmark, OURS, size, 1).map(t1 -> t2 / t1)),
            1.8);
      }
      target(md, benchmark + ": ours / esdkCached at 1 KiB", over(benchmark, "esdkCached"), 10);
      target(md, benchmark + ": ours / tinkEnvelope at 1 KiB", over(benchmark, "tinkEnvelope"), 4);
      // Issue 18: at 1 MiB, Strongroom's best at least 0.9x the better of jcaSliced and accpRaw;
      // at 1 KiB, at least 1.05x jcaReused where accpRaw beats jcaReused by 10% or more.
      target(
          md,
          benchmark + ": best of ours / max(jcaSliced, accpRaw) at 1 MiB",
          best(benchmark, 1 << 20, OURS_ANY_PROVIDER)
              .flatMap(
                  ours ->
                      best(benchmark, 1 << 20, "jcaSliced", "accpRaw").map(best -> ours / best)),
          0.9);
      Optional<Double> accpLead = ratio(benchmark, "accpRaw", 1024, 1);
      if (accpLead.isPresent() && accpLead.get() >= 1.1) {
        target(
            md,
            benchmark
                + ": best of ours / jcaReused at 1 KiB (accpRaw at "
                + ratio(accpLead.get())
                + ")",
            best(benchmark, 1024, OURS_ANY_PROVIDER)
                .flatMap(ours -> score(benchmark, BASELINE, 1024, 1).map(base -> ours / base)),
            1.05);
      }
    }
    for (String benchmark : List.of("StreamBenchmark.encrypt", "StreamBenchmark.decrypt")) {
      for (long size : sizes(benchmark)) {
        target(
            md,
            benchmark + ": ours / jcaChunked (equal chunk size) over " + size(size),
            ratio(benchmark, OURS, size, 1),
            0.95);
      }
    }
    target(
        md,
        "ApiKeyVerifyBenchmark.verify: ours, cached, 1 thread",
        score("ApiKeyVerifyBenchmark.verify", OURS, 0, 1),
        API_KEY_VERIFY_TARGET,
        v -> count(v) + " ops/s");
    target(
        md,
        "SecretReadBenchmark.read: ours (no audit sink) / caffeine",
        ratio("SecretReadBenchmark.read", OURS, 0, 1),
        SECRET_READ_TARGET,
        v -> String.format(Locale.ROOT, "%.3f× (%.1f× the cost)", v, 1 / v));
    target(
        md,
        "AuditedReadBenchmark.read: ours (JSON-lines sink, default aggregating) / caffeine",
        ratio("AuditedReadBenchmark.read", OURS, 0, 1),
        AUDITED_READ_TARGET,
        v -> String.format(Locale.ROOT, "%.3f× (%.1f× the cost)", v, 1 / v));
    target(
        md,
        "AuditSinkBenchmark.append: every event, not forced, 1 thread",
        score("AuditSinkBenchmark.append", "everyEvent", 0, 1),
        AUDIT_APPEND_TARGET,
        v -> count(v) + " events/s");
  }

  /** The higher score of {@code impls} at {@code size}, 1 thread, if any ran. */
  private Optional<Double> best(String benchmark, long size, String... impls) {
    return List.of(impls).stream()
        .map(i -> score(benchmark, i, size, 1))
        .flatMap(Optional::stream)
        .max(Double::compare);
  }

  private Optional<Double> over(String benchmark, String peer) {
    return score(benchmark, OURS, 1024, 1)
        .flatMap(ours -> score(benchmark, peer, 1024, 1).map(p -> ours / p));
  }

  private static void target(StringBuilder md, String what, Optional<Double> value, double goal) {
    target(md, what, value, goal, ReportGenerator::ratio);
  }

  private static void target(
      StringBuilder md,
      String what,
      Optional<Double> value,
      double goal,
      DoubleFunction<String> format) {
    md.append("| ").append(what).append(" ≥ ").append(format.apply(goal)).append(" | ");
    if (value.isEmpty()) {
      md.append("not run | – |\n");
      return;
    }
    double v = value.get();
    md.append(format.apply(v)).append(" | ");
    md.append(
        v >= goal
            ? "met"
            : String.format(Locale.ROOT, "missed by %.0f%%", 100 * (goal - v) / goal));
    md.append(" |\n");
  }

  /** Writes the chart: ratio against size, encryption and decryption side by side, 1 thread. */
  void chart(String title, String file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<XYChart> charts = new ArrayList<>();
    for (String benchmark : List.of("EncryptBenchmark.encrypt", "DecryptBenchmark.decrypt")) {
      XYChart chart =
          new XYChartBuilder()
              .width(1000)
              .height(520)
              .title(benchmark.substring(0, benchmark.indexOf('B')) + ", 1 thread (" + title + ")")
              .xAxisTitle("message size (bytes)")
              .yAxisTitle("throughput / raw JCA reused Cipher")
              .build();
      chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      for (String impl : impls(benchmark, 1)) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (long size : sizes(benchmark)) {
          ratio(benchmark, impl, size, 1)
              .ifPresent(
                  r -> {
                    xs.add((double) size);
                    ys.add(r);
                  });
        }
        if (!xs.isEmpty()) {
          XYSeries series = chart.addSeries(impl, xs, ys);
          series.setMarker(SeriesMarkers.CIRCLE);
          series.setLineColor(color(impl));
          series.setMarkerColor(color(impl));
          series.setLineStyle(impl.equals(OURS) ? THICK : NORMAL);
        }
      }
      charts.add(chart);
    }
    BitmapEncoder.saveBitmap(charts, 2, 1, file, BitmapEncoder.BitmapFormat.PNG);
  }

  /** One distinct colour per implementation, in the order of {@link Impls#ALL}. */
  private static Color color(String impl) {
    Color[] palette = {
      new Color(0xD62728), // strongroom: red, drawn thick
      new Color(0xFF9896), // strongroomJdk
      new Color(0xE377C2), // strongroomAccp
      Color.BLACK, // jcaReused: the ceiling
      new Color(0x2CA02C), // jcaSliced
      new Color(0x98DF8A), // accpRaw
      new Color(0x7F7F7F),
      new Color(0x1F77B4),
      new Color(0x17BECF),
      new Color(0xFF7F0E),
      new Color(0x8C564B),
      new Color(0xBCBD22),
      new Color(0x9467BD),
      new Color(0xAEC7E8), // tinkAeadAccp
      new Color(0xFFBB78) // esdkCachedAccp
    };
    int i = List.of(Impls.ALL).indexOf(impl);
    return i < 0 ? Color.PINK : palette[i % palette.length];
  }

  private List<String> benchmarks() {
    List<String> order =
        List.of(
            "EncryptBenchmark.encrypt",
            "DecryptBenchmark.decrypt",
            "StreamBenchmark.encrypt",
            "StreamBenchmark.decrypt",
            "SecretReadBenchmark.read",
            "AuditedReadBenchmark.read",
            "ApiKeyVerifyBenchmark.verify",
            "AuditSinkBenchmark.append",
            "NonceBenchmark.next");
    TreeMap<Integer, String> ordered = new TreeMap<>();
    new TreeSet<>(rows.stream().map(Row::benchmark).toList())
        .forEach(b -> ordered.put(order.contains(b) ? order.indexOf(b) : 100 + ordered.size(), b));
    return new ArrayList<>(ordered.values());
  }

  private List<Integer> threads(String benchmark) {
    return rows.stream()
        .filter(r -> r.benchmark().equals(benchmark))
        .map(Row::threads)
        .distinct()
        .sorted()
        .toList();
  }

  private List<Long> sizes(String benchmark) {
    return rows.stream()
        .filter(r -> r.benchmark().equals(benchmark))
        .map(Row::size)
        .distinct()
        .sorted()
        .toList();
  }

  /** Implementations in the order of {@link Impls#ALL}, unknown ones last. */
  private List<String> impls(String benchmark, int threads) {
    Map<Integer, String> ordered = new TreeMap<>();
    rows.stream()
        .filter(r -> r.benchmark().equals(benchmark) && r.threads() == threads)
        .map(Row::impl)
        .distinct()
        .forEach(
            impl -> {
              int i = List.of(Impls.ALL).indexOf(impl);
              ordered.put(i < 0 ? 100 + ordered.size() : i, impl);
            });
    return new ArrayList<>(ordered.values());
  }

  static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return bytes / (1 << 20) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " B";
  }

  static String count(double value) {
    if (value >= 1e6) {
      return String.format(Locale.ROOT, "%.2f M", value / 1e6);
    }
    if (value >= 1e3) {
      return String.format(Locale.ROOT, "%.1f k", value / 1e3);
    }
    return String.format(Locale.ROOT, value >= 10 ? "%.0f" : "%.2f", value);
  }

  static String ratio(double value) {
    String format = value >= 10 ? "%.1f×" : value >= 0.1 ? "%.2f×" : "%.2g×";
    return String.format(Locale.ROOT, format, value);
  }
}
