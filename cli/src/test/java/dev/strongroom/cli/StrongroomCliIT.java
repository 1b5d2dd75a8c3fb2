package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real {@code strongroom} launcher (and through it the shaded jar) as a user would: a
 * process with stdin, stdout, stderr and an exit code.
 */
class StrongroomCliIT {
  private static final Path LAUNCHER = Path.of("..", "strongroom").toAbsolutePath().normalize();
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
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("STRONGROOM_MASTER_KEY");
    builder.environment().remove("STRONGROOM_PASSPHRASE");
    builder.environment().putAll(env);
    Process p = builder.start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the command did not read all its input: fine, it is reported by its exit code
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
  }

  private Result run(String stdin, String... args) throws Exception {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = run(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.stderr());
    return r;
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
  void unreadableStore_noPermission_accessDenied() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads everything");
    ok("", "init");
    ok("v", "put", "a");
    Files.setPosixFilePermissions(
        store.resolve("secrets/a.json"), PosixFilePermissions.fromString("---------"));
    Result r = run("", "get", "a");
    assertEquals(5, r.exit());
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
    env.put("STRONGROOM_PASSPHRASE", CANARY);
    results.add(run("", "--verbose", "get", "canary"));
    assertTrue(
        results.get(results.size() - 1).stderr().contains("\tat "), "verbose shows the stack");
    for (Result r : results) {
      assertFalse(r.stderr().contains(CANARY), r.stderr());
      assertFalse(r.stderr().contains(CANARY.substring(0, 16)), r.stderr());
      assertFalse(r.out().contains(CANARY), r.out());
    }
    String b64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(CANARY) || text.contains(b64), f.toString());
      }
    }
  }

  @Test
  void pendingCommands_sayNotAvailableWithExitTwo() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"audit", "verify"},
            new String[] {"lease", "list"},
            new String[] {"scan-env"},
            new String[] {"import-env", "x.env"})) {
      Result r = run("", args);
      assertEquals(2, r.exit(), String.join(" ", args));
      assertTrue(r.stderr().contains("not available yet"), r.stderr());
    }
    Result usage = run("", "frobnicate");
    assertEquals(2, usage.exit());
    assertOneErrorLine(usage);
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
