package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills child JVMs that write to a store with SIGKILL at random moments, then checks that the store
 * opens and that every write the child acknowledged reads back intact; and runs two JVMs against
 * one secret with check-and-set.
 */
class CrashTest {
  @TempDir Path dir;

  @Test
  void killedWriter_fiveKills_everyAcknowledgedWriteSurvives() throws Exception {
    crashLoop(5, 60);
  }

  /**
   * Several hundred kills ({@code -Dcrash.kills}, default 300), each after a random number of
   * acknowledged writes up to {@code -Dcrash.maxAcks} (default 400); runs with {@code -Psoak} only
   * (see the README). Every acknowledged write is read back after every kill, so the run time grows
   * with the square of the writes: a smaller {@code crash.maxAcks} keeps several hundred kills
   * short.
   */
  @Tag("soak")
  @Test
  void killedWriter_manyKills_everyAcknowledgedWriteSurvives() throws Exception {
    crashLoop(Integer.getInteger("crash.kills", 300), Integer.getInteger("crash.maxAcks", 400));
  }

  private void crashLoop(int kills, int maxAcksBeforeKill) throws Exception {
    Path store = dir.resolve("store");
    TestStores.create(store, java.time.Clock.systemUTC()).close();
    Random random = new Random();
    Map<String, Map<Long, String>> acked = new HashMap<>();
    long next = 0;
    int verified = 0;
    for (int k = 0; k < kills; k++) {
      Process child = start("loop", store.toString(), Long.toString(next));
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = drain(child, lines);
      int target = 1 + random.nextInt(maxAcksBeforeKill);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lines.size() < target && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(child.isAlive(), "child died on its own: " + lines);
      Thread.sleep(random.nextInt(20));
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
      int acks = 0;
      for (String line : lines) {
        String[] f = line.split(" ");
        if (f.length == 5 && f[0].equals("ACK") && f[4].equals("END")) {
          acked.computeIfAbsent(f[1], n -> new HashMap<>()).put(Long.parseLong(f[2]), f[3]);
          next = Math.max(next, Long.parseLong(f[3].split("-")[1]) + 1);
          acks++;
        }
      }
      assertTrue(acks > 0, "no acknowledged write before the kill");
      try (FileBackend backend = TestStores.open(store)) {
        for (var secret : acked.entrySet()) {
          for (var version : secret.getValue().entrySet()) {
            StoredSecret s =
                backend
                    .secrets()
                    .read(ReadRequest.version(secret.getKey(), version.getKey()))
                    .orElseThrow(() -> new AssertionError("lost " + secret.getKey()));
            assertEquals(version.getValue(), s.value().copyUtf8String());
            verified++;
          }
        }
      }
      assertNoLeftovers(store);
    }
    System.out.println(
        "crash test: "
            + kills
            + " kills, "
            + verified
            + " acknowledged-write checks, "
            + acked.values().stream().mapToInt(Map::size).sum()
            + " distinct acknowledged writes");
    assertTrue(verified >= kills);
  }

  @Test
  void twoJvms_sameExpectedVersion_secondGetsConflict() throws Exception {
    Path store = seedCounter("0");
    Process a = start("cas", store.toString());
    Process b = start("cas", store.toString());
    BufferedReader outA = reader(a);
    BufferedReader outB = reader(b);
    assertEquals("READ 1", outA.readLine());
    assertEquals("READ 1", outB.readLine());
    send(a);
    assertEquals("OK 2", outA.readLine());
    send(b);
    String loser = outB.readLine();
    assertTrue(loser.startsWith("CONFLICT"), loser);
    assertTrue(a.waitFor(30, TimeUnit.SECONDS) && b.waitFor(30, TimeUnit.SECONDS));
    try (FileBackend backend = TestStores.open(store)) {
      assertEquals(2, backend.secrets().metadata("counter").latestVersion());
      assertEquals(
          "from-" + a.pid(),
          backend
              .secrets()
              .read(ReadRequest.current("counter"))
              .orElseThrow()
              .value()
              .copyUtf8String());
    }
  }

  @Test
  void twoJvms_incrementingWithRetry_loseNoUpdate() throws Exception {
    Path store = seedCounter("0");
    int n = 40;
    Process a = start("inc", store.toString(), Integer.toString(n));
    Process b = start("inc", store.toString(), Integer.toString(n));
    String doneA = reader(a).readLine();
    String doneB = reader(b).readLine();
    assertTrue(doneA.startsWith("DONE " + n), doneA);
    assertTrue(doneB.startsWith("DONE " + n), doneB);
    try (FileBackend backend = TestStores.open(store)) {
      StoredSecret s = backend.secrets().read(ReadRequest.current("counter")).orElseThrow();
      assertEquals(Integer.toString(2 * n), s.value().copyUtf8String());
      assertEquals(2 * n + 1, s.version().version());
    }
    System.out.println("two-JVM increments: " + doneA + " / " + doneB);
  }

  private Path seedCounter(String value) {
    Path store = dir.resolve("store");
    try (FileBackend backend = TestStores.create(store, java.time.Clock.systemUTC())) {
      backend
          .secrets()
          .write(new WriteRequest("counter", SecretValue.ofUtf8(value), Stage.CURRENT, 0));
    }
    return store;
  }

  private static void assertNoLeftovers(Path store) throws IOException {
    try (Stream<Path> files = Files.walk(store)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")),
          "temp files left after open");
    }
  }

  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(CrashWriter.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void send(Process p) throws IOException {
    Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    w.write("go\n");
    w.flush();
  }

  private static Thread drain(Process p, List<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r = reader(p)) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the child was killed
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
