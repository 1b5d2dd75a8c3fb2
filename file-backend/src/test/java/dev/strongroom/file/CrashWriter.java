package dev.strongroom.file;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of the crash and multi-process tests. Modes: {@code loop DIR START} writes secrets
 * forever and prints {@code ACK name version value END} after each acknowledged write; {@code cas
 * DIR} reads the counter, prints {@code READ v}, waits for a line on stdin and writes with
 * check-and-set; {@code inc DIR N} increments the counter N times, retrying on conflict.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    try (FileBackend backend = TestStores.open(dir)) {
      SecretStore store = backend.secrets();
      switch (args[0]) {
        case "loop" -> loop(backend, store, Long.parseLong(args[2]));
        case "cas" -> cas(store);
        case "inc" -> inc(store, Integer.parseInt(args[2]));
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  private static void loop(FileBackend backend, SecretStore store, long start) {
    for (long i = start; ; i++) {
      String name = "crash/k" + (i % 17);
      String value = "value-" + i + "-" + "x".repeat((int) (i % 300));
      if (i % 5 == 0) {
        long latest = store.list("").contains(name) ? store.metadata(name).latestVersion() : 0;
        var pending =
            store.write(new WriteRequest(name, SecretValue.ofUtf8(value), Stage.PENDING, latest));
        store.moveStage(new MoveStageRequest(name, Stage.CURRENT, pending.version(), 0));
        System.out.println("ACK " + name + " " + pending.version() + " " + value + " END");
      } else {
        var v =
            store.write(
                new WriteRequest(
                    name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
        System.out.println("ACK " + name + " " + v.version() + " " + value + " END");
      }
      if (i % 40 == 0) {
        backend.keys().rotate(FileBackend.DEFAULT_KEY);
      }
      System.out.flush();
    }
  }

  private static void cas(SecretStore store) throws Exception {
    StoredSecret s = store.read(ReadRequest.current("counter")).orElseThrow();
    System.out.println("READ " + s.version().version());
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    try {
      var v =
          store.write(
              new WriteRequest(
                  "counter",
                  SecretValue.ofUtf8("from-" + ProcessHandle.current().pid()),
                  Stage.CURRENT,
                  s.version().version()));
      System.out.println("OK " + v.version());
    } catch (ConflictException e) {
      System.out.println("CONFLICT " + e.getMessage());
    }
  }

  private static void inc(SecretStore store, int n) {
    int conflicts = 0;
    for (int done = 0; done < n; ) {
      StoredSecret s = store.read(ReadRequest.current("counter")).orElseThrow();
      int value = Integer.parseInt(s.value().copyUtf8String());
      try {
        store.write(
            new WriteRequest(
                "counter",
                SecretValue.ofUtf8(Integer.toString(value + 1)),
                Stage.CURRENT,
                s.version().version()));
        done++;
      } catch (ConflictException e) {
        conflicts++;
      }
    }
    System.out.println("DONE " + n + " " + conflicts);
  }
}
