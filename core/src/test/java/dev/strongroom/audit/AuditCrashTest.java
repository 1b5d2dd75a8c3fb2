package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process appending to the log, again and again: every acknowledged event (a
 * non-aggregated one, whose {@code record} returned) is in the log, the log verifies against its
 * checkpoint after every kill (a torn tail or a line past the checkpoint only warns), and the next
 * process continues the chain.
 */
class AuditCrashTest {
  private static final String KEY = "chain-key-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void killedWriter_tenKills_everyAcknowledgedEventSurvives_andTheLogVerifies() throws Exception {
    crashLoop(10);
  }

  /** Several hundred kills; runs with {@code -Psoak} (tag "soak") only. */
  @Tag("soak")
  @Test
  void killedWriter_threeHundredKills() throws Exception {
    crashLoop(300);
  }

  private void crashLoop(int kills) throws Exception {
    Path log = dir.resolve("audit.jsonl");
    Random random = new Random();
    Set<String> acked = new HashSet<>();
    long next = 0;
    int warnings = 0;
    for (int k = 0; k < kills; k++) {
      String mode = random.nextBoolean() ? "every" : "agg";
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Writer.class.getName(),
                  log.toString(),
                  mode,
                  Long.toString(next))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (java.io.IOException e) {
                  // the child was killed
                }
              });
      reader.start();
      int target = 1 + random.nextInt(40);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (lines.size() < target && child.isAlive() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      assertTrue(child.isAlive(), "the writer died on its own: " + lines);
      child.destroyForcibly(); // SIGKILL, at whatever point the writer is
      child.waitFor(60, TimeUnit.SECONDS);
      reader.join(10_000);
      for (String line : lines) {
        if (line.startsWith("ACK ")) {
          acked.add(line.substring(4));
          next = Math.max(next, Long.parseLong(line.substring(5)) + 1);
        }
      }
      AuditVerification result = AuditVerifier.verify(log, SecretValue.ofUtf8(KEY));
      assertTrue(result.ok(), "after kill " + k + ": " + result.reason());
      warnings += result.warnings().size();
      Set<String> logged = new HashSet<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        try {
          logged.add(json.readTree(line).path("detail").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
          // a torn tail: verify already judged it
        }
      }
      for (String a : acked) {
        assertTrue(logged.contains(a), "acknowledged event " + a + " lost after kill " + k);
      }
    }
    System.out.println(
        "audit crash test: "
            + kills
            + " kills, "
            + acked.size()
            + " acknowledged events, all present; "
            + warnings
            + " warnings seen");
  }

  /** The child: appends events until killed, printing ACK after each non-aggregated one. */
  public static final class Writer {
    private Writer() {}

    public static void main(String[] args) {
      Path log = Path.of(args[0]);
      boolean every = args[1].equals("every");
      long n = Long.parseLong(args[2]);
      JsonLinesOptions options =
          every
              ? JsonLinesOptions.everyEvent(true)
              : JsonLinesOptions.builder().aggregate(Duration.ofMillis(5)).build();
      AuditSink sink = AuditSinks.jsonLines(log, SecretValue.ofUtf8(KEY), options);
      while (true) {
        sink.record(AuditEvent.of(Instant.now(), "svc", "read", "db/pw", Outcome.OK));
        String detail = "n" + n;
        sink.record(new AuditEvent(Instant.now(), "svc", "write", "db/pw", 1, Outcome.OK, detail));
        System.out.println("ACK " + detail);
        System.out.flush();
        n++;
      }
    }
  }
}
