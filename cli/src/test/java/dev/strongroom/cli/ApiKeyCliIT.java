package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.apikey.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code strongroom apikey ...} through the real launcher, one process per command, so every
 * step (verification after a revocation or a rotation included) is seen by a new room. Time comes
 * from the CLI's fixed-clock hook, moved between commands.
 */
class ApiKeyCliIT {
  private static final String MASTER_KEY =
      Base64.getEncoder()
          .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;
  private Path store;
  private final Map<String, String> env = new HashMap<>();
  private final List<Result> results = new ArrayList<>();

  record Result(int exit, String out, String stderr) {}

  @BeforeEach
  void setUp() {
    store = dir.resolve("store");
    env.put("STRONGROOM_STORE", store.toString());
    env.put("STRONGROOM_MASTER_KEY", MASTER_KEY);
    env.put("STRONGROOM_SKIP_BUILD", "1");
    at("2030-01-01T00:00:00Z");
  }

  private void at(String instant) {
    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=" + instant);
  }

  private Result run(String stdin, String... args) throws Exception {
    Launcher.Output o =
        Launcher.run(dir, env, stdin.getBytes(StandardCharsets.UTF_8), Arrays.asList(args));
    Result r = new Result(o.exit(), o.out(), o.stderr());
    results.add(r);
    return r;
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = run(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.stderr());
    return r;
  }

  /** Issues (or rotates) through the CLI and returns the key printed on stdout. */
  private String issued(Result r) {
    String key = r.out().strip();
    assertEquals(1, r.out().lines().count(), "the key alone on stdout: " + r.out());
    assertTrue(ApiKeys.isWellFormed(key), "a well-formed key");
    assertFalse(r.stderr().contains(key), "the key is never on stderr");
    return key;
  }

  private static String idOf(String key) {
    return key.split("_")[2];
  }

  private Result verify(String key) throws Exception {
    return run(key + "\n", "--verbose", "apikey", "verify");
  }

  private static void assertRejected(Result r, int exit, String outcome) {
    assertEquals(exit, r.exit(), r.stderr());
    assertTrue(r.stderr().startsWith("strongroom: api key rejected: " + outcome), r.stderr());
    assertEquals("", r.out());
  }

  @Test
  void apikey_issueVerifyRevokeRotateReview_acrossProcesses() throws Exception {
    ok("", "init");
    Result first =
        ok(
            "",
            "--verbose",
            "apikey",
            "issue",
            "--env",
            "test",
            "--owner",
            "alice",
            "--scope",
            "orders:read",
            "--scope",
            "orders:write");
    String a = issued(first);
    assertTrue(a.startsWith("sr_test_"), "prefix names the service and environment");
    assertTrue(first.stderr().contains("issued " + idOf(a) + "  active  test  owner=alice"));
    assertTrue(first.stderr().contains("scopes=orders:read,orders:write"), first.stderr());

    Result valid = verify(a);
    assertEquals(0, valid.exit(), valid.stderr());
    assertTrue(valid.out().startsWith("VALID " + idOf(a) + "  active"), valid.out());
    assertFalse(valid.stderr().contains("WARN"), "last use recorded cleanly: " + valid.stderr());

    String b = issued(ok("", "apikey", "issue", "--env", "test", "--ttl", "1d"));
    Result cJson = ok("", "--json", "apikey", "issue", "--env", "live", "--owner", "bob");
    String c = cJson.out().substring("{\"key\":\"".length(), cJson.out().indexOf("\","));
    assertTrue(ApiKeys.isWellFormed(c), cJson.out());
    assertTrue(cJson.out().contains("\"owner\":\"bob\",\"environment\":\"live\""), cJson.out());

    // revoke in one process, verify in the next: rejected at once
    assertEquals("revoked " + idOf(a) + "\n", ok("", "apikey", "revoke", idOf(a)).out());
    assertRejected(verify(a), 8, "REVOKED");

    // rotate with an overlap: both keys valid until the old one expires
    String c2 = issued(ok("", "apikey", "rotate", idOf(c), "--overlap", "1h"));
    assertNotEquals(c, c2);
    assertTrue(c2.startsWith("sr_live_"), c2);
    assertEquals(0, verify(c).exit());
    assertEquals(0, verify(c2).exit());

    at("2030-01-01T00:30:00Z");
    Result unusedAny = ok("", "apikey", "review", "--unused-for", "0s");
    assertTrue(unusedAny.out().contains(idOf(b) + "  active"), unusedAny.out());
    assertTrue(unusedAny.out().contains("[unused-for PT0S]"), unusedAny.out());
    assertFalse(unusedAny.out().contains(idOf(a)), "a revoked key is no finding");

    at("2030-01-01T02:00:00Z");
    assertRejected(verify(c), 8, "EXPIRED");
    assertEquals(0, verify(c2).exit());
    Result unused = ok("", "apikey", "review", "--unused-for", "1h", "--without-owner");
    assertTrue(
        unused.out().contains(idOf(b)) && unused.out().contains("[unused-for PT1H, without-owner]"),
        unused.out());
    assertFalse(unused.out().contains(idOf(c2)), "just used, and owned: " + unused.out());

    String export = ok("", "--json", "apikey", "review").out();
    assertTrue(export.startsWith("["), export);
    assertTrue(export.contains("\"id\":\"" + idOf(a) + "\""), export);
    assertTrue(export.contains("\"status\":\"revoked\""), export);
    assertTrue(export.contains("\"status\":\"expired\""), export);
    assertTrue(export.contains("\"replacedBy\":\"" + idOf(c2) + "\""), export);
    String findings = ok("", "--json", "apikey", "review", "--older-than", "1h").out();
    assertTrue(findings.contains("\"findings\":[\"older-than PT1H\"]"), findings);

    String bobs = ok("", "--json", "apikey", "list", "--owner", "bob").out();
    assertTrue(bobs.contains(idOf(c)) && bobs.contains(idOf(c2)), bobs);
    assertFalse(bobs.contains(idOf(a)), bobs);
    String live = ok("", "apikey", "list", "--env", "test", "--scope", "orders:read").out();
    assertEquals(1, live.lines().count(), live);
    assertTrue(live.startsWith(idOf(a) + "  revoked"), live);

    // a typo: one character changed fails the checksum, rejected without a lookup
    char[] typo = c2.toCharArray();
    int at = 20;
    typo[at] = typo[at] == 'x' ? 'y' : 'x';
    assertRejected(verify(new String(typo)), 5, "MALFORMED");
    assertRejected(verify("not-a-key"), 5, "MALFORMED");
    assertEquals(2, run("", "apikey", "verify").exit(), "no key on stdin");
    assertEquals(3, run("", "apikey", "revoke", "AAAAAAAAAAAAAAAA").exit());
    assertEquals(2, run("", "apikey", "issue", "--env", "Bad Env").exit());
    assertEquals(2, run("", "apikey", "review").exit(), "review needs a criterion or --json");
    assertEquals(0, ok("", "audit", "verify").exit());

    assertNoKeyLeaked(List.of(a, b, c, c2));
  }

  /** The canary: the keys appear nowhere but on the stdout of the command that issued them. */
  private void assertNoKeyLeaked(List<String> keys) throws IOException {
    String audit = Files.readString(store.resolve("audit.jsonl"));
    assertTrue(audit.contains("\"operation\":\"apikey.issue\""), audit);
    assertTrue(audit.contains("\"operation\":\"apikey.verify\""), "failures are audited");
    for (String key : keys) {
      String secretPart = key.substring(key.lastIndexOf('_') + 1, key.length() - 6);
      for (Result r : results) {
        assertFalse(r.stderr().contains(key) || r.stderr().contains(secretPart), r.stderr());
      }
      long printed = results.stream().filter(r -> r.out().contains(secretPart)).count();
      assertEquals(1, printed, "printed exactly once");
      String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII));
      try (Stream<Path> files = Files.walk(store)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertFalse(
              text.contains(secretPart) || text.contains(b64), "in clear in " + f.getFileName());
        }
      }
    }
  }
}
