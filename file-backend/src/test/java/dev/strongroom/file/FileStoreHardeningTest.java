package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.KdfParams;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 items 6-9: the file store trusts nothing it finds on disk. */
class FileStoreHardeningTest {
  private static final String CANARY = "CANARYTOKEN7e1f";
  private static final KdfParams FAST = new KdfParams(64, 1, 1);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2025-01-01T00:00:00Z"));

  private Path root() {
    return dir.resolve("store");
  }

  private FileBackend create() {
    return TestStores.create(root(), clock);
  }

  private static void put(FileBackend b, String name, String value) {
    b.secrets()
        .write(
            new WriteRequest(
                name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private static String get(FileBackend b, String name) {
    return b.secrets()
        .read(ReadRequest.current(name))
        .map(s -> s.value().copyUtf8String())
        .orElse(null);
  }

  private Path outsideFile() throws Exception {
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, CANARY + " more text\n");
    return outside;
  }

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  // --- item 6: links

  @Test
  void linkedLockFile_isRefused_andNothingIsCreatedOutside() throws Exception {
    create().close();
    Path target = dir.resolve("elsewhere.lock");
    Files.delete(root().resolve(".lock"));
    Files.createSymbolicLink(root().resolve(".lock"), target);
    TamperedException e = assertThrows(TamperedException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains(".lock"), e.getMessage());
    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void linkedLockFile_plantedWhileOpen_isRefusedOnWrite() throws Exception {
    try (FileBackend b = create()) {
      Path target = dir.resolve("elsewhere.lock");
      Files.delete(root().resolve(".lock"));
      Files.createSymbolicLink(root().resolve(".lock"), target);
      assertThrows(TamperedException.class, () -> put(b, "a", "v"));
      assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void linkedRecord_isRefused_andItsContentNeverAppears() throws Exception {
    Path outside = outsideFile();
    try (FileBackend b = create()) {
      put(b, "a", "value");
      Path record = root().resolve("secrets").resolve("b.json");
      Files.createSymbolicLink(record, outside);
      TamperedException e = assertThrows(TamperedException.class, () -> get(b, "b"));
      assertFalse(everything(e).contains(CANARY), everything(e));
      assertThrows(TamperedException.class, () -> put(b, "b", "v"));
      assertEquals(CANARY + " more text\n", Files.readString(outside));
    }
    TamperedException e = assertThrows(TamperedException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("b.json"), e.getMessage());
  }

  @Test
  void corruptRecord_errorNeverCarriesItsFirstToken() throws Exception {
    try (FileBackend b = create()) {
      Files.writeString(root().resolve("secrets").resolve("b.json"), CANARY + " rest");
      StrongroomException e = assertThrows(StrongroomException.class, () -> get(b, "b"));
      assertFalse(everything(e).contains(CANARY), everything(e));
    }
  }

  @Test
  void linkedSecretsFolder_isRefused_andTakesNoWrite() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    try (FileBackend b = create()) {
      put(b, "a", "value");
      Path secrets = root().resolve("secrets");
      Files.move(secrets, dir.resolve("moved"));
      Files.createSymbolicLink(secrets, elsewhere);
      assertThrows(TamperedException.class, () -> put(b, "b", "v"));
      assertThrows(TamperedException.class, () -> b.secrets().list(""));
      try (var files = Files.list(elsewhere)) {
        assertEquals(0, files.count());
      }
    }
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
  }

  @Test
  void linkedKeysFolderOrKeyset_isRefused() throws Exception {
    create().close();
    Path keys = root().resolve("keys");
    Path moved = dir.resolve("keys-moved");
    Files.move(keys, moved);
    Files.createSymbolicLink(keys, moved);
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
    Files.delete(keys);
    Files.createDirectory(
        keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(keys.resolve("default.keyset"), moved.resolve("default.keyset"));
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
  }

  @Test
  void linkedStoreHeaderOrAuditLog_isRefused() throws Exception {
    create().close();
    Path audit = root().resolve("audit.jsonl");
    Path target = dir.resolve("audit-elsewhere");
    Files.createSymbolicLink(audit, target);
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void groupWritableStore_isRefused_unlessTrusted() throws Exception {
    create().close();
    Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwxrwx---"));
    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("chmod"), e.getMessage());
    FileBackend.open(
            root(), TestStores.key(), FileBackend.Options.openExisting().withTrustPermissions(true))
        .close();
    Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        root().resolve("strongroom.json"), PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThrows(AccessDeniedException.class, () -> TestStores.open(root()));
  }

  @Test
  void storeOwnedByAnotherUser_isRefused() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
    create().close();
    Files.setAttribute(root().resolve("secrets"), "unix:uid", 4242);
    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("owned"), e.getMessage());
    Files.setAttribute(root().resolve("secrets"), "unix:uid", 0);
    Files.setAttribute(root(), "unix:uid", 4242);
    assertThrows(AccessDeniedException.class, () -> TestStores.open(root()));
  }

  // --- item 7: init

  @Test
  void create_refusesNonEmptyFolder_andLeavesItsModeAlone() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("common-folder"));
    Files.writeString(shared.resolve("someone-elses.txt"), "x");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThrows(ConflictException.class, () -> TestStores.create(shared, clock));
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    assertFalse(Files.exists(shared.resolve("strongroom.json")));
    assertFalse(Files.exists(shared.resolve("keys")));
  }

  @Test
  void create_inEmptyExistingFolder_neverChangesItsMode() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxr-x---"));
    TestStores.create(empty, clock).close();
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(empty)));
  }

  @Test
  void create_inGroupWritableEmptyFolder_isRefusedNotChmodded() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThrows(AccessDeniedException.class, () -> TestStores.create(open, clock));
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(open)));
  }

  // --- item 8: keysets

  @Test
  void missingDefaultKeyset_isATypedError_neverRecreated() throws Exception {
    try (FileBackend b = create()) {
      put(b, "a", "value");
    }
    Path keyset = root().resolve("keys").resolve("default.keyset");
    byte[] original = Files.readAllBytes(keyset);
    Files.delete(keyset);
    NotFoundException e = assertThrows(NotFoundException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("default.keyset"), e.getMessage());
    assertFalse(Files.exists(keyset));
    Files.write(keyset, original);
    Files.setPosixFilePermissions(keyset, PosixFilePermissions.fromString("rw-------"));
    try (FileBackend b = TestStores.open(root())) {
      assertEquals("value", get(b, "a"));
    }
  }

  @Test
  void openOrCreate_onAStoreMissingItsKeyset_doesNotRecreateIt() throws Exception {
    create().close();
    Path keyset = root().resolve("keys").resolve("default.keyset");
    Files.delete(keyset);
    assertThrows(NotFoundException.class, () -> TestStores.create(root(), clock));
    assertFalse(Files.exists(keyset));
  }

  // --- item 9: sizes, KDF parameters, passphrases, corrupt records

  @Test
  void hugeRecord_isRejectedBeforeReading_andListStillWorks() throws Exception {
    try (FileBackend b = create()) {
      put(b, "a", "value");
      Path big = root().resolve("secrets").resolve("big.json");
      try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
        f.setLength(200L * 1024 * 1024); // sparse: no disk used
      }
      Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-------"));
      StrongroomException e = assertThrows(StrongroomException.class, () -> get(b, "big"));
      assertTrue(e.getMessage().contains("too large"), e.getMessage());
      assertEquals(List.of("a", "big"), b.secrets().list(""));
      b.secrets().destroy(DestroyRequest.all("big"));
      assertFalse(Files.exists(big));
    }
  }

  @Test
  void hostileArgon2Parameters_failFast() throws Exception {
    FileBackend.open(
            root(),
            Credentials.passphrase("a long enough passphrase".toCharArray()),
            new FileBackend.Options(true, FAST, clock))
        .close();
    Path header = root().resolve("strongroom.json");
    String json = Files.readString(header);
    for (String hostile :
        List.of(
            json.replaceFirst("\"memoryKiB\" : \\d+", "\"memoryKiB\" : 4194304"),
            json.replaceFirst("\"memoryKiB\" : \\d+", "\"memoryKiB\" : 2147483647"),
            json.replaceFirst("\"memoryKiB\" : \\d+", "\"memoryKiB\" : 4294967360"),
            json.replaceFirst("\"iterations\" : \\d+", "\"iterations\" : 2147483647"))) {
      assertFalse(hostile.equals(json));
      Files.writeString(header, hostile);
      StrongroomException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () ->
                  assertThrows(
                      StrongroomException.class,
                      () ->
                          FileBackend.open(
                              root(),
                              Credentials.passphrase("a long enough passphrase".toCharArray()),
                              FileBackend.Options.openExisting())));
      assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
    }
  }

  @Test
  void hugeHeader_isRejectedBeforeReading() throws Exception {
    create().close();
    Path header = root().resolve("strongroom.json");
    try (RandomAccessFile f = new RandomAccessFile(header.toFile(), "rw")) {
      f.setLength(200L * 1024 * 1024);
    }
    StrongroomException e = assertThrows(StrongroomException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("too large"), e.getMessage());
  }

  @Test
  void newStore_needsAPassphraseOfTwelveCharacters() {
    for (String weak : List.of("x", " ", "            ", "elevenchars")) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              FileBackend.open(
                  root(),
                  Credentials.passphrase(weak.toCharArray()),
                  new FileBackend.Options(true, FAST, clock)));
      assertFalse(Files.exists(root().resolve("strongroom.json")));
    }
    FileBackend.open(
            root(),
            Credentials.passphrase("twelve chars".toCharArray()),
            new FileBackend.Options(true, FAST, clock))
        .close();
  }

  @Test
  void corruptRecord_canBeDestroyed() throws Exception {
    try (FileBackend b = create()) {
      put(b, "a", "value");
      Path record = root().resolve("secrets").resolve("a.json");
      Files.write(record, "{ not json".getBytes(StandardCharsets.UTF_8));
      assertThrows(StrongroomException.class, () -> get(b, "a"));
      b.secrets().destroy(DestroyRequest.all("a"));
      assertFalse(Files.exists(record));
      assertThrows(NotFoundException.class, () -> b.secrets().destroy(DestroyRequest.all("a")));
      put(b, "a", "again");
      assertEquals("again", get(b, "a"));
    }
  }

  @Test
  void sanity_roundTrip() throws Exception {
    try (FileBackend b = create()) {
      put(b, "a", "value");
    }
    try (FileBackend b = TestStores.open(root())) {
      assertEquals("value", get(b, "a"));
      assertArrayEquals(new byte[0], new byte[0]);
    }
  }
}
