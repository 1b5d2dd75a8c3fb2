package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 6: two JVMs rotate one secret at the same instant, many rounds, against the real
 * OpenBao. No update may be lost: every rotation that reported success owns exactly the version it
 * reported (that version holds its value), no two successes share a version, every version written
 * after the first belongs to a success, and no conflict left the secret without CURRENT.
 */
class VaultTwoJvmStagesIT {
  private static final int ROUNDS = 40;

  @Test
  void twoJvms_rotatingOneSecret_loseNoUpdate() throws Exception {
    String name = VaultServers.unique("two-jvm") + "/secret";
    VaultBackend backend = VaultServers.devBackend();
    SecretStore store = backend.secrets();
    try {
      store.write(new WriteRequest(name, SecretValue.ofUtf8("initial"), Stage.CURRENT, 0));
      // keep every version, so each success can be checked against what it wrote
      VaultServers.root(
          backend, "POST", "secret/metadata/" + name, VaultHttp.object().put("max_versions", 1000));

      long startAt = System.currentTimeMillis() + 4000;
      Process a = launch(name, "A", startAt);
      Process b = launch(name, "B", startAt);
      List<String> outA = lines(a);
      List<String> outB = lines(b);

      Map<Long, String> owners = new HashMap<>();
      int successes = 0;
      int conflicts = 0;
      for (String line : concat(outA, outB)) {
        if (line.startsWith("OK ")) {
          String[] parts = line.split(" ");
          long version = Long.parseLong(parts[1]);
          String previous = owners.put(version, parts[2]);
          assertEquals(null, previous, "two rotations reported version " + version);
          successes++;
        } else if (line.startsWith("CONFLICT")) {
          conflicts++;
        }
      }
      assertEquals(2 * ROUNDS, successes + conflicts, "every round reports: " + outA + outB);
      long latest = store.metadata(name).latestVersion();
      StringBuilder history = new StringBuilder();
      for (long v = 1; v <= latest; v++) {
        history
            .append(v)
            .append('=')
            .append(
                store
                    .read(ReadRequest.version(name, v))
                    .map(s -> s.value().copyUtf8String())
                    .orElse("-"))
            .append(' ');
      }
      assertEquals(
          1 + successes,
          latest,
          "each success made exactly one version; versions: "
              + history
              + "; A: "
              + outA
              + "; B: "
              + outB);
      for (Map.Entry<Long, String> e : owners.entrySet()) {
        String stored =
            store
                .read(ReadRequest.version(name, e.getKey()))
                .orElseThrow()
                .value()
                .copyUtf8String();
        assertEquals(e.getValue(), stored, "version " + e.getKey() + " holds its rotation's value");
      }
      assertTrue(store.read(ReadRequest.current(name)).isPresent(), "CURRENT exists");
      System.out.printf(
          "two JVMs x %d rounds: %d rotations promoted, %d lost the race cleanly%n",
          ROUNDS, successes, conflicts);
    } finally {
      store.destroy(DestroyRequest.all(name));
      backend.close();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Process launch(String name, String id, long startAt) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            StageMoverMain.class.getName(),
            name,
            id,
            Integer.toString(ROUNDS),
            Long.toString(startAt))
        .redirectError(
            Path.of(System.getProperty("java.io.tmpdir"), "two-jvm-" + id + ".err").toFile())
        .start();
  }

  private static List<String> lines(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), "child timed out");
    assertEquals(0, process.exitValue(), "child failed; its output: " + out);
    return out.lines().toList();
  }
}
