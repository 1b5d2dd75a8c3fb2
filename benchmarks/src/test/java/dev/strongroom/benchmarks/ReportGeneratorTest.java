package dev.strongroom.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportGeneratorTest {
  private static final String JSON =
      "["
          + result("EncryptBenchmark.encrypt", "jcaReused", 1024, 1, 1000.0)
          + ","
          + result("EncryptBenchmark.encrypt", "strongroom", 1024, 1, 900.0)
          + ","
          + result("EncryptBenchmark.encrypt", "esdkCached", 1024, 1, 100.0)
          + ","
          + result("EncryptBenchmark.encrypt", "strongroom", 1024, 2, 1500.0)
          + "]";

  private static String result(String bench, String impl, int size, int threads, double score) {
    return String.format(
        "{\"benchmark\":\"dev.strongroom.benchmarks.%s\",\"threads\":%d,"
            + "\"params\":{\"impl\":\"%s\",\"size\":\"%d\"},"
            + "\"primaryMetric\":{\"score\":%s,\"scoreUnit\":\"ops/s\"},"
            + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":1100.0}}}",
        bench, threads, impl, size, score);
  }

  private static ReportGenerator report() throws Exception {
    return new ReportGenerator(ReportGenerator.parse(new ObjectMapper().readTree(JSON)));
  }

  @Test
  void ratio_sameSizeAndThreads_dividesByBaseline() throws Exception {
    assertEquals(
        0.9, report().ratio("EncryptBenchmark.encrypt", "strongroom", 1024, 1).get(), 1e-9);
  }

  @Test
  void ratio_baselineMissing_isEmpty() throws Exception {
    assertTrue(report().ratio("EncryptBenchmark.encrypt", "strongroom", 1024, 2).isEmpty());
  }

  @Test
  void markdown_targets_reportMetAndMissedWithMargin() throws Exception {
    String md = report().markdown("test");

    assertTrue(md.contains("| strongroom | 900 (0.90×) |"), md);
    assertTrue(md.contains("ours / jcaReused at 1 KiB ≥ 0.80× | 0.90× | met |"), md);
    assertTrue(
        md.contains("ours 2 threads / 1 thread at 1 KiB ≥ 1.80× | 1.67× | missed by 7% |"), md);
    assertTrue(md.contains("ours / esdkCached at 1 KiB ≥ 10.0× | 9.00× | missed by 10% |"), md);
    assertTrue(
        md.contains("| EncryptBenchmark.encrypt | strongroom | 1 KiB | 1 | 1.1 k | 1.07 |"), md);
  }

  private static String unsized(String bench, String impl, double score) {
    return String.format(
        "{\"benchmark\":\"dev.strongroom.benchmarks.%s\",\"threads\":1,"
            + "\"params\":{\"impl\":\"%s\"},"
            + "\"primaryMetric\":{\"score\":%s,\"scoreUnit\":\"ops/s\"},"
            + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":48.0}}}",
        bench, impl, score);
  }

  private static ReportGenerator readsAndKeys(double verifications) throws Exception {
    String json =
        "["
            + unsized("SecretReadBenchmark.read", "caffeine", 40_000_000.0)
            + ","
            + unsized("SecretReadBenchmark.read", "strongroom", 10_000_000.0)
            + ","
            + unsized("SecretReadBenchmark.read", "jcaReused", 1.0)
            + ","
            + unsized("ApiKeyVerifyBenchmark.verify", "strongroom", verifications)
            + ","
            + unsized("ApiKeyVerifyBenchmark.verify", "jcaReused", 1.0)
            + "]";
    return new ReportGenerator(ReportGenerator.parse(new ObjectMapper().readTree(json)));
  }

  @Test
  void ratio_secretRead_dividesByCaffeine() throws Exception {
    assertEquals(
        0.25, readsAndKeys(2e6).ratio("SecretReadBenchmark.read", "strongroom", 0, 1).get(), 1e-9);
  }

  @Test
  void ratio_apiKeyVerify_isAbsolute() throws Exception {
    assertTrue(
        readsAndKeys(2e6).ratio("ApiKeyVerifyBenchmark.verify", "strongroom", 0, 1).isEmpty());
  }

  @Test
  void markdown_readsAndKeys_ratioToCaffeineAbsoluteVerifyAndTarget() throws Exception {
    String met = readsAndKeys(1_500_000).markdown("test");
    String missed = readsAndKeys(900_000).markdown("test");

    assertTrue(met.contains("## SecretReadBenchmark.read, 1 thread (ratios to caffeine)"), met);
    assertTrue(met.contains("| impl | ops/s |"), met);
    assertTrue(met.contains("| strongroom | 10.00 M (0.25×) |"), met);
    assertTrue(met.contains("## ApiKeyVerifyBenchmark.verify, 1 thread (absolute)"), met);
    assertTrue(met.contains("| strongroom | 1.50 M |"), met);
    assertTrue(met.contains("| SecretReadBenchmark.read | strongroom | – | 1 | 48 | – |"), met);
    assertTrue(met.contains("cached, 1 thread ≥ 1.00 M ops/s | 1.50 M ops/s | met |"), met);
    assertTrue(
        missed.contains("cached, 1 thread ≥ 1.00 M ops/s | 900.0 k ops/s | missed by 10% |"),
        missed);
  }

  @Test
  void markdown_audit_ratioToCaffeineAbsoluteAppendsAndTargets() throws Exception {
    String json =
        "["
            + unsized("AuditedReadBenchmark.read", "caffeine", 100_000_000.0)
            + ","
            + unsized("AuditedReadBenchmark.read", "strongroom", 4_000_000.0)
            + ","
            + unsized("AuditSinkBenchmark.append", "everyEvent", 25_000.0)
            + ","
            + unsized("AuditSinkBenchmark.append", "everyEventFsync", 500.0)
            + "]";
    String md =
        new ReportGenerator(ReportGenerator.parse(new ObjectMapper().readTree(json)))
            .markdown("test");

    assertTrue(md.contains("## AuditedReadBenchmark.read, 1 thread (ratios to caffeine)"), md);
    assertTrue(md.contains("## AuditSinkBenchmark.append, 1 thread (absolute)"), md);
    assertTrue(
        md.contains(
            "/ caffeine ≥ 0.050× (20.0× the cost) | 0.040× (25.0× the cost) | missed by 20% |"),
        md);
    assertTrue(md.contains("not forced, 1 thread ≥ 10.0 k events/s | 25.0 k events/s | met |"), md);
  }

  @Test
  void markdown_issue18_streamsOverEqualChunksBestProviderAndAccpTarget() throws Exception {
    String json =
        "["
            + result("StreamBenchmark.encrypt", "jcaChunked", 256, 1, 20.0)
            + ","
            + result("StreamBenchmark.encrypt", "jcaReused", 256, 1, 25.0)
            + ","
            + result("StreamBenchmark.encrypt", "strongroom", 256, 1, 18.0)
            + ","
            + result("EncryptBenchmark.encrypt", "jcaReused", 1024, 1, 1000.0)
            + ","
            + result("EncryptBenchmark.encrypt", "accpRaw", 1024, 1, 1200.0)
            + ","
            + result("EncryptBenchmark.encrypt", "strongroom", 1024, 1, 900.0)
            + ","
            + result("EncryptBenchmark.encrypt", "strongroomAccp", 1024, 1, 1100.0)
            + ","
            + result("EncryptBenchmark.encrypt", "jcaSliced", 1048576, 1, 4000.0)
            + ","
            + result("EncryptBenchmark.encrypt", "accpRaw", 1048576, 1, 5000.0)
            + ","
            + result("EncryptBenchmark.encrypt", "strongroom", 1048576, 1, 3000.0)
            + ","
            + result("EncryptBenchmark.encrypt", "strongroomJdk", 1048576, 1, 4600.0)
            + ","
            + result("DecryptBenchmark.decrypt", "jcaReused", 1024, 1, 1000.0)
            + ","
            + result("DecryptBenchmark.decrypt", "accpRaw", 1024, 1, 1050.0)
            + "]";
    ReportGenerator report =
        new ReportGenerator(ReportGenerator.parse(new ObjectMapper().readTree(json)));
    String md = report.markdown("test");

    assertEquals(0.9, report.ratio("StreamBenchmark.encrypt", "strongroom", 256, 1).get(), 1e-9);
    assertTrue(md.contains("## StreamBenchmark.encrypt, 1 thread (ratios to jcaChunked)"), md);
    assertTrue(
        md.contains("ours / jcaChunked (equal chunk size) over 256 B ≥ 0.95× | 0.90× | missed"),
        md);
    // the best of ours (SunJCE only, 4,600) over the better baseline (accpRaw, 5,000)
    assertTrue(
        md.contains("best of ours / max(jcaSliced, accpRaw) at 1 MiB ≥ 0.90× | 0.92× | met |"), md);
    // accpRaw leads jcaReused by 20% at 1 KiB: the best of ours (ACCP, 1,100) must reach 1.05x
    assertTrue(
        md.contains(
            "encrypt: best of ours / jcaReused at 1 KiB (accpRaw at 1.20×) ≥ 1.05× | 1.10× | met"),
        md);
    // accpRaw leads by 5% only on decrypt: no such target
    assertTrue(!md.contains("decrypt: best of ours / jcaReused at 1 KiB"), md);
  }

  private static String perMethod(String bench, double score) {
    return String.format(
        "{\"benchmark\":\"dev.strongroom.benchmarks.%s\",\"threads\":1,\"params\":{},"
            + "\"primaryMetric\":{\"score\":%s,\"scoreUnit\":\"ops/s\"}}",
        bench, score);
  }

  @Test
  void parse_methodPerImpl_reportedAsReadWithTheMethodAsImpl() throws Exception {
    String json =
        "["
            + perMethod("SecretReadBenchmark.caffeine", 300_000_000.0)
            + ","
            + perMethod("SecretReadBenchmark.strongroom", 20_000_000.0)
            + ","
            + perMethod("AuditedReadBenchmark.caffeine", 300_000_000.0)
            + ","
            + perMethod("AuditedReadBenchmark.strongroom", 10_000_000.0)
            + ","
            + perMethod("NonceBenchmark.strongroom", 20_000_000.0)
            + "]";
    ReportGenerator report =
        new ReportGenerator(ReportGenerator.parse(new ObjectMapper().readTree(json)));

    assertEquals(
        20.0 / 300, report.ratio("SecretReadBenchmark.read", "strongroom", 0, 1).get(), 1e-9);
    assertEquals(
        10.0 / 300, report.ratio("AuditedReadBenchmark.read", "strongroom", 0, 1).get(), 1e-9);
    String md = report.markdown("test");
    assertTrue(md.contains("## SecretReadBenchmark.read, 1 thread (ratios to caffeine)"), md);
    assertTrue(md.contains("## NonceBenchmark.next, 1 thread (absolute)"), md);
    assertTrue(md.contains("| strongroom | 20.00 M |"), md);
    assertTrue(
        md.contains(
            "/ caffeine ≥ 0.100× (10.0× the cost) | 0.067× (15.0× the cost) | missed by 33% |"),
        md);
  }

  @Test
  void main_writesMergedJsonMarkdownAndChart(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in.json");
    Files.writeString(in, JSON);
    String prefix = dir.resolve("out").toString();

    ReportGenerator.main(new String[] {prefix, in.toString(), in.toString()});

    assertEquals(8, new ObjectMapper().readTree(Path.of(prefix + ".json").toFile()).size());
    assertTrue(Files.readString(Path.of(prefix + ".md")).startsWith("# Benchmark report: out"));
    byte[] png = Files.readAllBytes(Path.of(prefix + ".png"));
    assertEquals(List.of((byte) 0x89, (byte) 'P'), List.of(png[0], png[1]));
  }
}
