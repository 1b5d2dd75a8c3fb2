package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.testkit.ScanFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strongroom scan}, in process. */
class ScanCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void scan_fixture_findsEachPlantedSecret_exit1_neverTheValue() throws IOException {
    Set<String> expected = ScanFixture.plant(dir);

    Run run = run("scan", "--max-size", "4096", dir.toString());

    assertEquals(Main.FAILED, run.exit(), run.err());
    Set<String> found = new TreeSet<>();
    for (String line : run.out().split("\n")) {
      if (line.startsWith(dir.toString())) {
        String[] p =
            dir.relativize(Path.of(line.substring(0, line.indexOf(':')))).toString().split(":");
        String[] parts = line.substring(dir.toString().length() + 1).split(":");
        found.add(p[0] + ":" + parts[1] + ":" + parts[3].strip());
      }
    }
    assertEquals(expected, found);
    assertTrue(run.err().contains("big.properties: larger than the limit of 4096"), run.err());
    assertTrue(run.err().contains("blob.json: binary"), run.err());
    assertFalse(run.out().contains(ScanFixture.CANARY));
    assertFalse(run.err().contains(ScanFixture.CANARY));
  }

  @Test
  void scanJson_parses_andHoldsNoValue() throws IOException {
    Set<String> expected = ScanFixture.plant(dir);

    Run run = run("--json", "scan", "--max-size", "4096", dir.toString());

    assertEquals(Main.FAILED, run.exit());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(expected.size(), json.get("findings").size());
    assertEquals(2, json.get("skipped").size());
    JsonNode first = json.get("findings").get(0);
    assertTrue(first.get("line").isInt() && first.get("column").isInt(), first.toString());
    assertFalse(run.out().contains(ScanFixture.CANARY));
    assertFalse(run.err().contains(ScanFixture.CANARY));
  }

  @Test
  void scan_clean_exit0_missingPath_exit2() throws IOException {
    ScanFixture.write(dir.resolve("app.properties"), "server.port=8080", "db.password=${DB_PW}");

    assertEquals(Main.OK, run("scan", dir.toString()).exit());
    assertEquals(Main.USAGE, run("scan", dir.resolve("missing").toString()).exit());
    assertEquals(Main.USAGE, run("scan").exit());
  }

  @Test
  void scanImport_storesAndPrintsReferences_neverTheValue() throws IOException {
    ScanFixture.write(dir.resolve(".env"), "DB_PASSWORD=" + ScanFixture.CANARY + "-pw1");
    ScanFixture.write(
        dir.resolve("application.properties"),
        "spring.datasource.password=" + ScanFixture.CANARY + "s3cr3t");

    Run run =
        run("--store", "memory:scan", "scan", "--import", "--prefix", "legacy/", dir.toString());

    assertEquals(Main.FAILED, run.exit(), run.err());
    assertTrue(
        run.out()
            .contains(
                "stored as legacy/db/password; put in its place: strongroom:legacy/db/password"),
        run.out());
    assertTrue(
        run.out()
            .contains(
                "put in its place: ${legacy.spring.datasource.password} (with"
                    + " spring.config.import=strongroom:legacy/spring/datasource/password)"),
        run.out());
    assertFalse(run.out().contains(ScanFixture.CANARY));
    assertFalse(run.err().contains(ScanFixture.CANARY));
  }
}
