package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, items 1, 2 and 6 (audit part) through the real launcher: a cut or deleted audit log is
 * named by {@code audit verify} and refused by the next command; a torn final line is repaired by
 * the next command and reported by verify with its position; a linked log is refused.
 */
class AuditCliIT {
  private static final String MASTER_KEY =
      Base64.getEncoder()
          .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;
  private Path store;
  private Path audit;
  private final Map<String, String> env = new HashMap<>();

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    store = dir.resolve("store");
    audit = store.resolve("audit.jsonl");
    env.put("STRONGROOM_STORE", store.toString());
    env.put("STRONGROOM_MASTER_KEY", MASTER_KEY);
    env.put("STRONGROOM_SKIP_BUILD", "1");
    ok("", "init");
    ok("v1", "put", "a");
    ok("", "get", "a");
    ok("", "get", "a");
  }

  private Result run(String stdin, String... args) throws Exception {
    Launcher.Output o =
        Launcher.run(dir, env, stdin.getBytes(StandardCharsets.UTF_8), Arrays.asList(args));
    return new Result(o.exit(), o.out(), o.stderr());
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = run(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.err());
    return r;
  }

  private void keepLines(int drop) throws IOException {
    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    Files.write(audit, lines.subList(0, lines.size() - drop), StandardCharsets.UTF_8);
  }

  @Test
  void lastLineDropped_verifyNamesTheGap_andTheStoreRefuses() throws Exception {
    int lines = Files.readAllLines(audit).size();
    keepLines(1);

    Result bad = run("", "audit", "verify");

    assertEquals(1, bad.exit(), bad.err());
    assertTrue(bad.err().contains("line " + lines + " is missing"), bad.err());
    assertEquals(5, run("", "get", "a").exit(), "fail-closed while lines are missing");
  }

  @Test
  void lastFiveLinesDropped_detected() throws Exception {
    ok("", "get", "a");
    ok("", "get", "a");
    int lines = Files.readAllLines(audit).size();
    keepLines(5);

    Result bad = run("", "audit", "verify");

    assertEquals(1, bad.exit());
    assertTrue(
        bad.err().contains("lines " + (lines - 4) + ".." + lines + " are missing"), bad.err());
  }

  @Test
  void emptiedOrDeletedLog_detected_andNoFreshChainIsStarted() throws Exception {
    Files.write(audit, new byte[0]);
    assertEquals(1, run("", "audit", "verify").exit());

    Files.delete(audit);
    Result bad = run("", "audit", "verify");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("the log is gone"), bad.err());
    assertEquals(5, run("", "get", "a").exit());
    assertTrue(!Files.exists(audit) || Files.size(audit) == 0, "no fresh chain was started");
  }

  @Test
  void tornFinalLine_nextCommandRepairs_verifyWarnsWithItsPosition() throws Exception {
    long offset = Files.size(audit);
    int lines = Files.readAllLines(audit).size();
    Files.write(
        audit,
        "{\"seq\":99,\"time\":\"20".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    ok("", "get", "a"); // not locked for good

    Result verified = ok("", "audit", "verify");
    assertTrue(verified.out().startsWith("OK: "), verified.out());
    assertTrue(
        verified.out().contains("warning: line " + (lines + 1) + ": line " + (lines + 1)),
        verified.out());
    assertTrue(verified.out().contains("at offset " + offset), verified.out());
    String json = ok("", "--json", "audit", "verify").out();
    assertTrue(json.contains("\"warnings\":[{\"line\":" + (lines + 1)), json);
  }

  @Test
  void linkedLog_isRefused_andNothingIsAppendedOutside() throws Exception {
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, "keep\n");
    Files.delete(audit);
    Files.createSymbolicLink(audit, outside);

    Result refused = run("", "get", "a");

    // The file store refuses a link anywhere in its folder when it opens (before the audit sink
    // would); either way the command fails and names the link.
    assertNotEquals(0, refused.exit(), refused.err());
    assertTrue(refused.err().contains("symbolic link"), refused.err());
    assertEquals("keep\n", Files.readString(outside));
    Result verify = run("", "audit", "verify");
    assertNotEquals(0, verify.exit(), verify.err());
    assertTrue(verify.err().contains("symbolic link"), verify.err());
    assertEquals("keep\n", Files.readString(outside));
  }

  @Test
  void mirrorFile_givenToVerify_isCompared() throws Exception {
    Path mirror = dir.resolve("elsewhere.checkpoint");
    Files.copy(store.resolve("audit.jsonl.checkpoint"), mirror);
    Files.delete(audit);
    Files.delete(store.resolve("audit.jsonl.checkpoint"));

    Result bad = run("", "audit", "verify", "--mirror", mirror.toString());

    assertEquals(1, bad.exit(), bad.err());
    assertTrue(bad.err().contains("the log is gone"), bad.err());
  }
}
