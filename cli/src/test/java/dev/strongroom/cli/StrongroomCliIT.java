package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real {@code strongroom} launcher (and through it the shaded jar) as a user would: a
 * process with stdin, stdout, stderr and an exit code.
 */
class StrongroomCliIT {
  private static final String CANARY = "CANARY-c11-5e8d2b-never-print-me";

  private static final String MASTER_KEY =
      Base64.getEncoder()
          .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;
  private Path store;
  private final Map<String, String> env = new HashMap<>();

  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void setUp() {
    store = dir.resolve("store");
    env.put("STRONGROOM_STORE", store.toString());
    // most tests use a master key: Argon2id (64 MiB, 3 passes) on every run would be slow
    env.put("STRONGROOM_MASTER_KEY", MASTER_KEY);
    env.put("STRONGROOM_SKIP_BUILD", "1");
  }

  private Result run(byte[] stdin, String... args) throws Exception {
    Launcher.Output o = Launcher.run(dir, env, stdin, Arrays.asList(args));
    return new Result(o.exit(), o.stdout(), o.stderr());
  }

  private Result run(String stdin, String... args) throws Exception {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = run(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.stderr());
    return r;
  }

  private void usePassphrase() {
    env.remove("STRONGROOM_MASTER_KEY");
    env.put("STRONGROOM_PASSPHRASE", "correct horse battery staple");
  }

  private static void assertOneErrorLine(Result r) {
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("strongroom: "), r.stderr());
  }

  @Test
  void putPending_goesThroughTheRoom_reservedAndControlNamesRefused() throws Exception {
    ok("", "init");
    ok("", "apikey", "issue", "--env", "test", "--owner", "it", "--scope", "r");

    Result pepper = run("forged", "put", "--pending", "apikeys/.pepper");
    assertNotEquals(0, pepper.exit());
    assertOneErrorLine(pepper);
    assertTrue(pepper.stderr().contains("reserved"), pepper.stderr());
    Result control = run("x", "put", "--pending", "db/a\u001b[2Jb");
    assertNotEquals(0, control.exit());
    assertFalse(control.stderr().contains("\u001b"), control.stderr());
    assertEquals("", ok("", "list").out());

    ok("v1", "put", "db/a");
    ok("v2", "put", "--pending", "db/a");
    assertEquals("v1", ok("", "get", "db/a").out());
    assertEquals("v2", ok("", "get", "db/a", "--stage", "PENDING").out());
    String key =
        ok("", "apikey", "issue", "--env", "test", "--owner", "it", "--scope", "r").out().strip();
    ok(key + "\n", "apikey", "verify");
  }

  @Test
  void initPutGetList_roundTrip() throws Exception {
    assertTrue(ok("", "init").out().contains("initialized store"));
    ok("s3cret\n", "put", "db/password");
    ok("other", "put", "db/user");
    ok("x", "put", "api/key");
    Result get = ok("", "get", "db/password");
    assertEquals("s3cret", get.out());
    assertEquals("", get.stderr());
    assertEquals("db/password\ndb/user\n", ok("", "list", "db/").out());
    assertEquals("[\"api/key\",\"db/password\",\"db/user\"]\n", ok("", "--json", "list").out());
    ok("v2", "put", "db/password", "--cas", "1");
    assertEquals("s3cret", ok("", "get", "db/password", "--version", "1").out());
    Result conflict = run("v3", "put", "db/password", "--cas", "1");
    assertEquals(4, conflict.exit());
    assertOneErrorLine(conflict);
  }

  @Test
  void deleteUndeleteDestroy_behave() throws Exception {
    ok("", "init");
    ok("one", "put", "a");
    ok("", "delete", "a");
    assertEquals(3, run("", "get", "a").exit());
    assertEquals("", ok("", "list").out());
    ok("", "undelete", "a");
    assertEquals("one", ok("", "get", "a").out());
    ok("", "destroy", "a", "--all");
    assertEquals(3, run("", "get", "a").exit());
    assertEquals(2, run("", "destroy", "a").exit(), "destroy needs --version or --all");
  }

  @Test
  void rotate_newRandomValueBecomesCurrentOldIsPrevious() throws Exception {
    ok("", "init");
    ok("old-value", "put", "svc/token");
    Result rotated = ok("", "rotate", "svc/token");
    assertTrue(rotated.out().contains("version 2 is CURRENT"), rotated.out());
    String current = ok("", "get", "svc/token").out();
    assertNotEquals("old-value", current);
    assertEquals(43, current.length());
    assertEquals("old-value", ok("", "get", "svc/token", "--stage", "PREVIOUS").out());
    ok("given\n", "rotate", "svc/token", "--from-stdin");
    assertEquals("given", ok("", "get", "svc/token").out());
    assertEquals(3, run("", "rotate", "missing").exit());
  }

  @Test
  void encryptDecrypt_multiChunkInput_roundTrips() throws Exception {
    ok("", "init");
    byte[] plain = new byte[3 * 1024 * 1024 + 123];
    new Random(7).nextBytes(plain);
    Result enc = run(plain, "encrypt", "--context", "tenant=acme", "--context", "kind=upload");
    assertEquals(0, enc.exit(), enc.stderr());
    Result dec =
        run(enc.stdout(), "decrypt", "--context", "kind=upload", "--context", "tenant=acme");
    assertEquals(0, dec.exit(), dec.stderr());
    assertArrayEquals(plain, dec.stdout());
    ok("", "key", "create", "orders");
    Result small = run("hello", "encrypt", "--key", "orders");
    assertArrayEquals(
        "hello".getBytes(StandardCharsets.UTF_8), run(small.stdout(), "decrypt").stdout());
    Result empty = run(new byte[0], "encrypt");
    assertEquals(0, run(empty.stdout(), "decrypt").stdout().length);
  }

  @Test
  void decrypt_tamperedTruncatedOrWrongContext_failsWithEmptyStdout() throws Exception {
    ok("", "init");
    byte[] plain = new byte[2 * 1024 * 1024];
    new Random(1).nextBytes(plain);
    byte[] ct = run(plain, "encrypt", "--context", "a=b").stdout();

    byte[] flipped = ct.clone();
    flipped[ct.length - 100] ^= 1; // in the last chunk: every earlier chunk verifies
    Result tampered = run(flipped, "decrypt", "--context", "a=b");
    assertEquals(6, tampered.exit());
    assertEquals(0, tampered.stdout().length);
    assertOneErrorLine(tampered);

    Result truncated = run(Arrays.copyOf(ct, ct.length - 70_000), "decrypt", "--context", "a=b");
    assertNotEquals(0, truncated.exit());
    assertEquals(0, truncated.stdout().length);

    Result wrongContext = run(ct, "decrypt", "--context", "a=c");
    assertEquals(6, wrongContext.exit());
    assertEquals(0, wrongContext.stdout().length);

    Result garbage = run("not a ciphertext at all", "decrypt");
    assertEquals(6, garbage.exit());
    assertEquals(0, garbage.stdout().length);
  }

  @Test
  void rewrap_afterKeyRotation_stillDecryptsAndBulkModeReportsProgress() throws Exception {
    ok("", "init");
    byte[] ct = run("payload", "encrypt").stdout();
    ok("", "key", "rotate", "default");
    Result rewrapped = run(ct, "rewrap");
    assertEquals(0, rewrapped.exit(), rewrapped.stderr());
    Path folder = Files.createDirectories(dir.resolve("blobs/sub"));
    Files.write(folder.resolve("one.enc"), ct);
    Files.writeString(folder.resolve("readme.txt"), "plain");
    Result bulk = ok("", "rewrap", "--dir", dir.resolve("blobs").toString());
    assertTrue(bulk.stderr().contains("rewrap: 2/2 files"), bulk.stderr());
    assertTrue(bulk.out().contains("rewrapped 1 file(s)"), bulk.out());
    ok("", "key", "retire", "default");
    assertEquals(
        "payload", new String(run(rewrapped.stdout(), "decrypt").stdout(), StandardCharsets.UTF_8));
    assertEquals(
        "payload",
        new String(
            run(Files.readAllBytes(folder.resolve("one.enc")), "decrypt").stdout(),
            StandardCharsets.UTF_8));
    Result old = run(ct, "decrypt");
    assertEquals(6, old.exit(), "the retired version no longer opens the original");
    assertTrue(
        ok("", "key", "list").out().contains("default primary=2 versions=[1, 2] minDecryption=2"));
  }

  @Test
  void rewrapDir_manyFiles_batched_aDamagedFileIsLeftAsItWasAndFailsTheRun() throws Exception {
    ok("", "init");
    Path folder = Files.createDirectories(dir.resolve("many"));
    byte[] one = run("payload", "encrypt").stdout();
    byte[] two = run("other payload", "encrypt").stdout();
    for (int i = 0; i < 30; i++) {
      Files.write(folder.resolve("f" + i + ".enc"), i % 2 == 0 ? one : two);
    }
    byte[] damaged = {1, 2, 9, 9, 9, 9};
    Files.write(folder.resolve("damaged.enc"), damaged);
    ok("", "key", "rotate", "default");

    Result bulk = run("", "rewrap", "--dir", folder.toString());

    assertEquals(6, bulk.exit(), "a damaged file fails the run: " + bulk.stderr());
    assertTrue(bulk.out().contains("rewrapped 30 file(s)"), bulk.out());
    assertTrue(bulk.out().contains("1 failed"), bulk.out());
    assertTrue(bulk.stderr().contains("rewrap: 31/31 files"), bulk.stderr());
    assertFalse(bulk.stderr().contains("\r"), "no carriage return off a terminal");
    assertArrayEquals(damaged, Files.readAllBytes(folder.resolve("damaged.enc")));
    ok("", "key", "retire", "default");
    for (int i : new int[] {0, 29}) {
      assertEquals(
          i % 2 == 0 ? "payload" : "other payload",
          new String(
              run(Files.readAllBytes(folder.resolve("f" + i + ".enc")), "decrypt").stdout(),
              StandardCharsets.UTF_8));
    }
  }

  @Test
  void keyRetire_fileStore_rewrapsStoredSecretsFirstAndReportsProgress() throws Exception {
    ok("", "init");
    ok("one", "put", "db/password");
    ok("two", "put", "db/password");
    ok("", "key", "rotate", "default");
    ok("three", "put", "db/password");
    ok("other", "put", "app/token");
    Result retired = ok("", "key", "retire", "default");
    assertTrue(retired.stderr().contains("retire default: 2/2 items"), retired.stderr());
    assertTrue(retired.stderr().contains("the file store's secrets in"), retired.stderr());
    assertTrue(
        ok("", "key", "list").out().contains("default primary=2 versions=[1, 2] minDecryption=2"));
    assertEquals("three", ok("", "get", "db/password").out());
    assertEquals("one", ok("", "get", "db/password", "--version", "1").out());
    assertEquals("two", ok("", "get", "db/password", "--version", "2").out());
    assertEquals("other", ok("", "get", "app/token").out());
  }

  @Test
  void wrongPassphrase_exitsFiveWithOneLineAndChangesNothing() throws Exception {
    usePassphrase();
    ok("", "init");
    ok("v", "put", "a");
    env.put("STRONGROOM_PASSPHRASE", "wrong");
    Result r = run("x", "put", "a");
    assertEquals(5, r.exit());
    assertOneErrorLine(r);
    assertTrue(r.stderr().contains("wrong passphrase or master key"));
    env.put("STRONGROOM_PASSPHRASE", "correct horse battery staple");
    assertEquals("v", ok("", "get", "a").out());
  }

  @Test
  void masterKeyFromEnvironment_worksAndBadKeyIsUsageError() throws Exception {
    byte[] key = new byte[32];
    new Random(3).nextBytes(key);
    env.put("STRONGROOM_MASTER_KEY", Base64.getEncoder().encodeToString(key));
    ok("", "init");
    ok("v", "put", "a");
    assertEquals("v", ok("", "get", "a").out());
    env.put("STRONGROOM_MASTER_KEY", "c2hvcnQ=");
    Result bad = run("", "get", "a");
    assertEquals(2, bad.exit());
    assertOneErrorLine(bad);
    env.remove("STRONGROOM_MASTER_KEY");
    Result none = run("", "get", "a");
    assertEquals(5, none.exit());
    assertTrue(none.stderr().contains("STRONGROOM_PASSPHRASE"), none.stderr());
  }

  @Test
  void missingSecretAndMissingStore_exitThreeWithOneLine() throws Exception {
    Result noStore = run("", "get", "a");
    assertEquals(3, noStore.exit());
    assertOneErrorLine(noStore);
    assertTrue(noStore.stderr().contains("strongroom init"), noStore.stderr());
    ok("", "init");
    Result missing = run("", "get", "nope");
    assertEquals(3, missing.exit());
    assertEquals(0, missing.stdout().length);
    assertOneErrorLine(missing);
    assertEquals(4, run("", "init").exit(), "init twice is a conflict");
  }

  @Test
  void unreadableStore_reportsClearlyByFileName() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    ok("w", "put", "b");
    Path secret = store.resolve("secrets/a.json");
    Files.writeString(secret, "{\"format\":1,\"name\":");
    Result corrupt = run("", "get", "a");
    assertEquals(1, corrupt.exit());
    assertOneErrorLine(corrupt);
    assertTrue(corrupt.stderr().contains("a.json"), corrupt.stderr());
    assertEquals("w", ok("", "get", "b").out(), "other secrets still read");

    Files.writeString(store.resolve("strongroom.json"), "garbage");
    Result header = run("", "list");
    assertEquals(1, header.exit());
    assertTrue(header.stderr().contains("strongroom.json"), header.stderr());
  }

  @Test
  void unreadableStore_secretFileUnreadable_oneLineError() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Path file = store.resolve("secrets/a.json");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      // Root reads whatever the permissions say: make the file unreadable as a file instead.
      Files.delete(file);
      Files.createDirectory(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    }
    Result r = run("", "get", "a");
    assertNotEquals(0, r.exit());
    if (!root) {
      assertEquals(5, r.exit());
    }
    assertOneErrorLine(r);
  }

  @Test
  void canary_neverInStderrVerboseOutputOrStoreFiles() throws Exception {
    usePassphrase();
    List<Result> results = new ArrayList<>();
    results.add(ok("", "--verbose", "init"));
    results.add(ok(CANARY, "--verbose", "put", "canary"));
    results.add(ok(CANARY + "-v2", "put", "canary", "--verbose"));
    Result get = ok("", "get", "canary", "--verbose");
    assertEquals(CANARY + "-v2", get.out());
    results.add(new Result(get.exit(), new byte[0], get.stderr()));
    results.add(ok("", "--verbose", "rotate", "canary"));
    results.add(run(CANARY, "--verbose", "put", "canary", "--cas", "1"));
    results.add(run(CANARY, "--verbose", "decrypt"));
    byte[] ct = ok(CANARY, "--verbose", "encrypt").stdout();
    assertFalse(new String(ct, StandardCharsets.ISO_8859_1).contains(CANARY));
    byte[] bad = ct.clone();
    bad[bad.length - 3] ^= 1;
    results.add(run(bad, "--verbose", "decrypt"));
    Path envDir = Files.createTempDirectory("strongroom-canary-env");
    Path envFile = envDir.resolve("canary.env");
    Files.writeString(envFile, "CANARY_PASSWORD=" + CANARY + "\n");
    try {
      results.add(ok("", "--verbose", "import-env", envFile.toString()));
      results.add(run("", "--verbose", "scan-env", "--file", envFile.toString()));
    } finally {
      Files.delete(envFile);
      Files.delete(envDir);
    }
    String lease = ok("", "--verbose", "lease", "acquire", "canary", "--ttl", "1m").out().strip();
    results.add(ok("", "--verbose", "lease", "renew", lease));
    results.add(ok("", "--verbose", "lease", "list"));
    results.add(ok("", "--verbose", "audit", "verify"));
    env.put("STRONGROOM_PASSPHRASE", CANARY);
    results.add(run("", "--verbose", "get", "canary"));
    assertTrue(
        results.get(results.size() - 1).stderr().contains("\tat "), "verbose shows the stack");
    for (Result r : results) {
      assertFalse(r.stderr().contains(CANARY), r.stderr());
      assertFalse(r.stderr().contains(CANARY.substring(0, 16)), r.stderr());
      assertFalse(r.out().contains(CANARY), r.out());
    }
    String audit = Files.readString(store.resolve("audit.jsonl"));
    assertTrue(audit.contains("\"resource\":\"canary\""), "the canary's accesses are audited");
    assertTrue(audit.contains("\"resource\":\"canary/password\""), audit);
    assertFalse(audit.contains(CANARY), "audit file");
    String b64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(CANARY) || text.contains(b64), f.toString());
      }
    }
  }

  @Test
  void importEnvAndScanEnv_importNamesAndFlagWithoutValues() throws Exception {
    ok("", "init");
    Path envFile = dir.resolve("app.env");
    Files.writeString(
        envFile,
        "DB_PASSWORD=hunter2-"
            + CANARY
            + "\nSTRIPE__API_KEY=sk_live_abcdefghijklmnop\nPORT=8080\n");
    Result imported = ok("", "import-env", envFile.toString(), "--prefix", "legacy/");
    assertTrue(imported.out().contains("imported legacy/db/password version 1"), imported.out());
    assertTrue(imported.out().contains("imported 3 secret(s)"), imported.out());
    assertEquals("hunter2-" + CANARY, ok("", "get", "legacy/db/password").out());
    assertEquals("sk_live_abcdefghijklmnop", ok("", "get", "legacy/stripe/api/key").out());

    Result scan = run("", "scan-env", "--file", envFile.toString());
    assertEquals(1, scan.exit(), scan.stderr());
    assertTrue(scan.out().contains("DB_PASSWORD: "), scan.out());
    assertTrue(scan.out().contains("STRIPE__API_KEY: Stripe live secret key"), scan.out());
    assertFalse(scan.out().contains("PORT"), scan.out());
    assertFalse(scan.out().contains("hunter2") || scan.out().contains("sk_live_abc"), scan.out());
    String json = run("", "--json", "scan-env", "--file", envFile.toString()).out();
    assertTrue(json.startsWith("[{\"variable\":\"DB_PASSWORD\",\"kind\":"), json);

    env.put("GITHUB_TOKEN", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    Result fromEnv = run("", "scan-env");
    assertEquals(1, fromEnv.exit());
    assertTrue(fromEnv.out().contains("GITHUB_TOKEN: GitHub personal access token"), fromEnv.out());
    assertFalse(fromEnv.out().contains("a1B2c3D4"), fromEnv.out());
    assertTrue(
        fromEnv.out().contains("STRONGROOM_MASTER_KEY"), "the master key is a secret in env too");
    env.remove("GITHUB_TOKEN");
    Path clean = dir.resolve("clean.env");
    Files.writeString(clean, "PORT=8080\nDB_PASSWORD=strongroom:legacy/db/password\n");
    assertEquals(0, run("", "scan-env", "--file", clean.toString()).exit());
    assertEquals(3, run("", "import-env", dir.resolve("missing.env").toString()).exit());
  }

  @Test
  void lease_acquireRenewRevokeList_persistAcrossProcesses() throws Exception {
    ok("", "init");
    ok("lease-me", "put", "db/password");
    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=2030-01-01T00:00:00Z");
    Result acquired =
        ok(
            "",
            "lease",
            "acquire",
            "db/password",
            "--ttl",
            "15m",
            "--max-ttl",
            "1h",
            "--print-value");
    List<String> lines = acquired.out().lines().toList();
    assertEquals(2, lines.size(), acquired.out());
    String id = lines.get(0);
    assertTrue(id.matches("[0-9a-f]{24}"), id);
    assertEquals("lease-me", lines.get(1));
    String second = ok("", "lease", "acquire", "db/password", "--ttl", "15m").out().strip();
    assertFalse(second.contains("lease-me"), "no value without --print-value");

    String list = ok("", "lease", "list").out();
    assertTrue(list.contains(id + "  active  db/password v1  expires 2030-01-01T00:15:00Z"), list);
    String audit = Files.readString(store.resolve("audit.jsonl"));
    assertTrue(audit.contains("\"operation\":\"checkout\""), audit);
    assertFalse(
        audit.contains("\"operation\":\"lease.revoked\""),
        "closing a command's room must not revoke (or claim to revoke) a persisted lease");

    assertEquals("lease-me\n", ok("", "lease", "read", id).out());
    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=2030-01-01T00:10:00Z");
    Result renewed = ok("", "lease", "renew", id, "--print-value");
    assertEquals("renewed " + id + " until 2030-01-01T00:25:00Z\nlease-me\n", renewed.out());

    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=2030-01-01T00:50:00Z");
    Result expired = run("", "lease", "renew", id, "--print-value");
    assertEquals(8, expired.exit(), expired.stderr());
    assertEquals(0, expired.stdout().length, "an ended lease's value is never printed");
    assertOneErrorLine(expired);
    assertTrue(ok("", "lease", "list").out().contains(id + "  expired"));

    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=2030-01-01T00:05:00Z");
    ok("", "lease", "revoke", second);
    Result revoked = run("", "lease", "renew", second, "--print-value");
    assertEquals(8, revoked.exit());
    assertEquals(0, revoked.stdout().length, "a revoked lease's value is never printed");
    Result readRevoked = run("", "lease", "read", second);
    assertEquals(8, readRevoked.exit(), readRevoked.stderr());
    assertEquals(0, readRevoked.stdout().length, "enforced: no value under a revoked lease");
    assertEquals("lease-me\n", ok("", "lease", "read", id).out(), "still active at 00:05");
    env.put("STRONGROOM_JAVA_OPTS", "-Dstrongroom.cli.now=2030-01-01T00:50:00Z");
    assertEquals(8, run("", "lease", "read", id).exit(), "enforced: no value under an ended lease");
    String json = ok("", "--json", "lease", "list").out();
    assertTrue(json.contains("\"state\":\"revoked\""), json);
    assertFalse(json.contains("lease-me"), json);

    assertEquals(3, run("", "lease", "renew", "0123456789abcdef01234567").exit());
    assertEquals(3, run("", "lease", "renew", "strongroom/issued/db/password/00").exit());
    assertEquals(3, run("", "lease", "acquire", "missing", "--ttl", "1m").exit());
    assertEquals(2, run("", "lease", "acquire", "db/password", "--ttl", "soon").exit());
    assertEquals(0, ok("", "audit", "verify").exit());
  }

  @Test
  void auditVerify_everyAccessRecordedAndTamperingDetected() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    ok("", "get", "a");
    run("", "get", "missing");
    ok("x", "encrypt");
    Result verified = ok("", "audit", "verify");
    assertTrue(verified.out().startsWith("OK: "), verified.out());
    Path audit = store.resolve("audit.jsonl");
    List<String> lines = Files.readAllLines(audit);
    String all = String.join("\n", lines);
    assertTrue(all.contains("\"operation\":\"init\""), all);
    assertTrue(all.contains("\"operation\":\"write\",\"resource\":\"a\""), all);
    assertTrue(all.contains("\"operation\":\"read\",\"resource\":\"a\""), all);
    assertTrue(
        all.contains("\"resource\":\"missing\",\"version\":0,\"outcome\":\"NOT_FOUND\""), all);
    assertTrue(all.contains("\"operation\":\"encrypt\""), all);
    assertTrue(all.contains("\"principal\":\"cli:"), all);
    assertTrue(
        verified.out().contains("OK: " + (lines.size() - 1) + " lines"),
        "verify counts the lines before its own record: " + verified.out());
    String json = ok("", "--json", "audit", "verify").out();
    assertTrue(json.startsWith("{\"ok\":true"), json);

    lines = new ArrayList<>(Files.readAllLines(audit));
    lines.set(2, lines.get(2).replace("\"resource\":\"", "\"resource\":\"x"));
    Files.write(audit, lines);
    Result bad = run("", "audit", "verify");
    assertEquals(1, bad.exit());
    assertOneErrorLine(bad);
    assertTrue(bad.stderr().contains("line 3"), bad.stderr());
    Result refused = run("", "get", "a");
    assertEquals(5, refused.exit(), "fail-closed: no access while the log does not verify");
    assertEquals(0, refused.stdout().length);
  }

  @Test
  void concurrentCommands_keepOneAuditChain() throws Exception {
    ok("", "init");
    List<CompletableFuture<Result>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "c/" + i;
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return run("v", "put", name);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<Result> r : runs) {
      assertEquals(0, r.get().exit(), r.get().stderr());
    }
    assertTrue(ok("", "audit", "verify").out().startsWith("OK: "));
  }

  @Test
  void keyCommands_createRotateListJson() throws Exception {
    ok("", "init");
    ok("", "key", "create", "tenant-a");
    ok("", "key", "rotate", "tenant-a");
    String json = ok("", "--json", "key", "list").out();
    assertTrue(json.contains("{\"name\":\"tenant-a\",\"versions\":[1, 2],\"primary\":2"), json);
    assertEquals(4, run("", "key", "create", "tenant-a").exit());
    assertEquals(3, run("", "key", "rotate", "nope").exit());
  }
}
