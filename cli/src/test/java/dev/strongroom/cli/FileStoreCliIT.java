package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (file store half) through the real launcher: a store that trusts nothing on disk, an
 * {@code init} that adopts no foreign folder, and {@code doctor}.
 */
class FileStoreCliIT {
  private static final String CANARY = "CANARYTOKEN-5b2e";
  private static final String MASTER_KEY =
      Base64.getEncoder()
          .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;
  private Path store;
  private final Map<String, String> env = new HashMap<>();

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void setUp() {
    store = dir.resolve("store");
    env.put("STRONGROOM_STORE", store.toString());
    env.put("STRONGROOM_MASTER_KEY", MASTER_KEY);
    env.put("STRONGROOM_SKIP_BUILD", "1");
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

  @Test
  void init_onANonEmptyFolder_isRefused_andItsModeIsUnchanged() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("common-folder"));
    Files.writeString(shared.resolve("notes.txt"), "mine");
    Files.setPosixFilePermissions(
        shared, PosixFilePermissions.fromString("rwxrwxrwt".replace('t', 'x')));
    Result r = run("", "--store", shared.toString(), "init");
    assertEquals(Main.CONFLICT, r.exit(), r.err());
    assertTrue(r.err().contains("not empty"), r.err());
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    assertFalse(Files.exists(shared.resolve("keys")));
  }

  @Test
  void init_withAWeakPassphrase_isRefused() throws Exception {
    env.remove("STRONGROOM_MASTER_KEY");
    for (String weak : List.of("x", " ", "short pass")) {
      env.put("STRONGROOM_PASSPHRASE", weak);
      Result r = run("", "init");
      assertEquals(Main.USAGE, r.exit(), r.err());
      assertTrue(r.err().contains("12"), r.err());
      assertFalse(Files.exists(store.resolve("strongroom.json")));
    }
  }

  @Test
  void verboseGet_ofALinkedRecord_printsNothingOfTheLinkedFile() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Path outside = dir.resolve("outside");
    Files.writeString(outside, CANARY + " rest of the file\n");
    Files.createSymbolicLink(store.resolve("secrets").resolve("b.json"), outside);
    Result r = run("", "--verbose", "get", "b");
    assertNotEquals(0, r.exit());
    assertFalse(r.out().contains(CANARY) || r.err().contains(CANARY), r.err());
    assertTrue(r.err().contains("symbolic link"), r.err());
  }

  @Test
  void verboseGet_ofACorruptRecord_printsNoneOfItsText() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Files.writeString(store.resolve("secrets").resolve("a.json"), CANARY + " rest");
    Result r = run("", "--verbose", "get", "a");
    assertNotEquals(0, r.exit());
    assertFalse(r.out().contains(CANARY) || r.err().contains(CANARY), r.err());
  }

  @Test
  void groupWritableStore_isRefused_unlessTheUriTrustsIt() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwx---"));
    Result r = run("", "get", "a");
    assertEquals(Main.ACCESS_DENIED, r.exit(), r.err());
    assertTrue(r.err().contains("writable by group"), r.err());
    Result trusted = ok("", "--store", store.toUri() + "?trust_permissions=true", "get", "a");
    assertEquals("v", trusted.out());
  }

  @Test
  void missingDefaultKeyset_isAnError_neverRecreatedByApikeyOrEncrypt() throws Exception {
    ok("", "init");
    Path keyset = store.resolve("keys").resolve("default.keyset");
    Files.delete(keyset);
    Result issue = run("", "apikey", "issue", "--env", "test", "--owner", "it", "--scope", "r");
    assertEquals(Main.NOT_FOUND, issue.exit(), issue.err());
    assertTrue(issue.err().contains("default.keyset"), issue.err());
    Result encrypt = run("plain", "encrypt");
    assertEquals(Main.NOT_FOUND, encrypt.exit(), encrypt.err());
    assertFalse(Files.exists(keyset));
  }

  @Test
  void hugeRecord_doesNotCrashList_andCanBeDestroyed() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Path big = store.resolve("secrets").resolve("big.json");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(200L * 1024 * 1024);
    }
    Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-------"));
    env.put("STRONGROOM_JAVA_OPTS", "-Xmx64m");
    Result list = ok("", "list");
    assertEquals(List.of("a", "big"), list.out().lines().toList());
    Result get = run("", "get", "big");
    assertNotEquals(0, get.exit());
    assertTrue(get.err().contains("too large"), get.err());
    ok("", "destroy", "big", "--all");
    assertFalse(Files.exists(big));
  }

  @Test
  void corruptRecord_canBeDestroyed() throws Exception {
    ok("", "init");
    ok("v", "put", "a");
    Files.writeString(store.resolve("secrets").resolve("a.json"), "{ broken");
    assertNotEquals(0, run("", "get", "a").exit());
    ok("", "destroy", "a", "--all");
    ok("again", "put", "a");
    assertEquals("again", ok("", "get", "a").out());
  }

  @Test
  void editedAndRolledBackRecords_areTypedErrors_andDoctorListsThem() throws Exception {
    ok("", "init");
    ok("v1", "put", "db");
    Path db = store.resolve("secrets").resolve("db.json");
    byte[] old = Files.readAllBytes(db);
    ok("v2", "put", "db");
    ok("x", "put", "gone");
    ok("", "delete", "gone");
    ok("y", "put", "fine");
    assertTrue(ok("", "doctor").out().contains("store OK"));

    Files.write(db, old); // an older genuine copy: CURRENT back to v1
    Path gone = store.resolve("secrets").resolve("gone.json");
    Files.writeString(
        gone, Files.readString(gone).replace("\"deleted\" : true", "\"deleted\" : false"));
    Result get = run("", "get", "db");
    assertEquals(Main.TAMPERED, get.exit(), get.err());
    assertTrue(get.err().contains("older copy"), get.err());
    Result undeleted = run("", "get", "gone");
    assertEquals(Main.TAMPERED, undeleted.exit(), undeleted.err());
    assertTrue(undeleted.err().contains("integrity"), undeleted.err());

    Result doctor = run("", "doctor");
    assertEquals(Main.FAILED, doctor.exit(), doctor.err());
    List<String> failed = doctor.out().lines().filter(l -> l.startsWith("FAILED ")).toList();
    assertEquals(2, failed.size(), doctor.out());
    assertTrue(failed.get(0).startsWith("FAILED db: "), doctor.out());
    assertTrue(failed.get(1).startsWith("FAILED gone: "), doctor.out());
    assertEquals("y", ok("", "get", "fine").out());

    ok("", "destroy", "db", "--all");
    ok("", "destroy", "gone", "--all");
    assertTrue(ok("", "doctor").out().contains("store OK"));
  }
}
