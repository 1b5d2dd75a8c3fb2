package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileUri;
import dev.strongroom.file.internal.KdfParams;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSecretStoreTest {
  private static final String CANARY = "CANARY-7f3a9c-do-not-leak";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
  private FileBackend backend;
  private SecretStore store;

  @BeforeEach
  void setUp() {
    backend = TestStores.create(dir.resolve("store"), clock);
    store = backend.secrets();
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  private SecretVersion put(String name, String value) {
    return store.write(
        new WriteRequest(name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private String read(ReadRequest request) {
    return store.read(request).map(s -> s.value().copyUtf8String()).orElse(null);
  }

  private Path root() {
    return dir.resolve("store");
  }

  // --- versions and stages

  @Test
  void write_first_isVersionOneAndCurrent() {
    SecretVersion v = put("db/password", "s3cret");
    assertEquals(1, v.version());
    assertEquals(Set.of(Stage.CURRENT), v.stages());
    assertEquals(clock.instant(), v.created());
    assertEquals("s3cret", read(ReadRequest.current("db/password")));
  }

  @Test
  void write_second_movesOldCurrentToPrevious() {
    put("a", "one");
    clock.advance(Duration.ofMinutes(1));
    put("a", "two");
    assertEquals("two", read(ReadRequest.current("a")));
    assertEquals("one", read(ReadRequest.stage("a", Stage.PREVIOUS)));
    assertEquals("one", read(ReadRequest.version("a", 1)));
    SecretMetadata meta = store.metadata("a");
    assertEquals(2, meta.latestVersion());
    assertEquals(Set.of(Stage.PREVIOUS), meta.versions().get(0).stages());
    assertEquals(Set.of(Stage.CURRENT), meta.versions().get(1).stages());
    assertEquals(clock.instant(), meta.versions().get(1).created());
  }

  @Test
  void read_missingSecretVersionOrStage_isEmpty() {
    put("a", "one");
    assertTrue(store.read(ReadRequest.current("nope")).isEmpty());
    assertTrue(store.read(ReadRequest.version("a", 7)).isEmpty());
    assertTrue(store.read(ReadRequest.stage("a", Stage.PENDING)).isEmpty());
  }

  @Test
  void write_pending_keepsCurrentUntilPromoted() {
    put("a", "one");
    SecretVersion pending =
        store.write(new WriteRequest("a", SecretValue.ofUtf8("two"), Stage.PENDING, 1));
    assertEquals(Set.of(Stage.PENDING), pending.stages());
    assertEquals("one", read(ReadRequest.current("a")));
    assertEquals("two", read(ReadRequest.stage("a", Stage.PENDING)));

    SecretMetadata meta = store.moveStage(new MoveStageRequest("a", Stage.CURRENT, 2, 1));
    assertEquals(Set.of(Stage.CURRENT), meta.versions().get(1).stages());
    assertEquals(Set.of(Stage.PREVIOUS), meta.versions().get(0).stages());
    assertEquals("two", read(ReadRequest.current("a")));
    assertTrue(store.read(ReadRequest.stage("a", Stage.PENDING)).isEmpty());
  }

  @Test
  void moveStage_staleExpectedCurrent_conflictsAndChangesNothing() {
    put("a", "one");
    put("a", "two");
    assertThrows(
        ConflictException.class,
        () -> store.moveStage(new MoveStageRequest("a", Stage.CURRENT, 1, 1)));
    assertEquals("two", read(ReadRequest.current("a")));
  }

  @Test
  void moveStage_backToOldVersion_rollsBack() {
    put("a", "one");
    put("a", "two");
    store.moveStage(new MoveStageRequest("a", Stage.CURRENT, 1, 2));
    assertEquals("one", read(ReadRequest.current("a")));
    assertEquals("two", read(ReadRequest.stage("a", Stage.PREVIOUS)));
  }

  @Test
  void moveStage_unknownVersionOrSecret_notFound() {
    put("a", "one");
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest("a", Stage.CURRENT, 9, 0)));
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest("b", Stage.CURRENT, 1, 0)));
  }

  // --- check-and-set

  @Test
  void write_expectedVersionMatches_succeeds() {
    store.write(new WriteRequest("a", SecretValue.ofUtf8("one"), Stage.CURRENT, 0));
    SecretVersion v =
        store.write(new WriteRequest("a", SecretValue.ofUtf8("two"), Stage.CURRENT, 1));
    assertEquals(2, v.version());
  }

  @Test
  void write_expectedVersionStale_conflictsAndChangesNothing() {
    put("a", "one");
    put("a", "two");
    ConflictException e =
        assertThrows(
            ConflictException.class,
            () -> store.write(new WriteRequest("a", SecretValue.ofUtf8(CANARY), Stage.CURRENT, 1)));
    assertFalse(e.getMessage().contains(CANARY));
    assertEquals(2, store.metadata("a").latestVersion());
    assertEquals("two", read(ReadRequest.current("a")));
  }

  @Test
  void write_expectedZeroButExists_conflicts() {
    put("a", "one");
    assertThrows(
        ConflictException.class,
        () -> store.write(new WriteRequest("a", SecretValue.ofUtf8("x"), Stage.CURRENT, 0)));
  }

  @Test
  void write_twoStoreObjectsSameFolder_loserConflicts() {
    put("a", "one");
    try (FileBackend other = TestStores.open(root())) {
      long seenByA = store.metadata("a").latestVersion();
      long seenByB = other.secrets().metadata("a").latestVersion();
      other.secrets().write(new WriteRequest("a", SecretValue.ofUtf8("b"), Stage.CURRENT, seenByB));
      assertThrows(
          ConflictException.class,
          () ->
              store.write(new WriteRequest("a", SecretValue.ofUtf8("a"), Stage.CURRENT, seenByA)));
      assertEquals("b", read(ReadRequest.current("a")));
    }
  }

  @Test
  void write_concurrentThreadsWithRetry_loseNoUpdate() throws Exception {
    put("counter", "0");
    int threads = 4;
    int perThread = 15;
    Thread[] workers = new Thread[threads];
    int[] conflicts = new int[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; ) {
                  StoredSecret s = store.read(ReadRequest.current("counter")).orElseThrow();
                  int n = Integer.parseInt(s.value().copyUtf8String());
                  try {
                    store.write(
                        new WriteRequest(
                            "counter",
                            SecretValue.ofUtf8(Integer.toString(n + 1)),
                            Stage.CURRENT,
                            s.version().version()));
                    i++;
                  } catch (ConflictException e) {
                    conflicts[id]++;
                  }
                }
              });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertEquals(Integer.toString(threads * perThread), read(ReadRequest.current("counter")));
    assertEquals(threads * perThread + 1, store.metadata("counter").latestVersion());
  }

  // --- delete, undelete, destroy, list

  @Test
  void delete_hidesFromReadAndList_undeleteRestores() {
    put("app/a", "one");
    put("app/b", "two");
    store.delete("app/a");
    assertTrue(store.read(ReadRequest.current("app/a")).isEmpty());
    assertEquals(List.of("app/b"), store.list("app/"));
    assertTrue(store.metadata("app/a").deleted());
    store.undelete("app/a");
    assertEquals("one", read(ReadRequest.current("app/a")));
    assertEquals(List.of("app/a", "app/b"), store.list("app/"));
  }

  @Test
  void write_whileDeleted_conflicts() {
    put("a", "one");
    store.delete("a");
    assertThrows(ConflictException.class, () -> put("a", "two"));
  }

  @Test
  void delete_missing_notFound() {
    assertThrows(NotFoundException.class, () -> store.delete("nope"));
    assertThrows(NotFoundException.class, () -> store.undelete("nope"));
    assertThrows(NotFoundException.class, () -> store.destroy(DestroyRequest.all("nope")));
    assertThrows(NotFoundException.class, () -> store.metadata("nope"));
  }

  @Test
  void destroy_version_removesValueKeepsMetadata() throws IOException {
    put("a", CANARY);
    put("a", "two");
    store.destroy(DestroyRequest.versions("a", List.of(1L)));
    assertTrue(store.read(ReadRequest.version("a", 1)).isEmpty());
    assertEquals("two", read(ReadRequest.current("a")));
    SecretMetadata meta = store.metadata("a");
    assertTrue(meta.versions().get(0).destroyed());
    assertFalse(meta.versions().get(1).destroyed());
    assertEquals(3, put("a", "three").version(), "versions are never reused");
    assertThrows(
        NotFoundException.class, () -> store.destroy(DestroyRequest.versions("a", List.of(42L))));
  }

  @Test
  void destroy_all_removesNameAndFile() throws IOException {
    put("a", "one");
    store.destroy(DestroyRequest.all("a"));
    assertThrows(NotFoundException.class, () -> store.metadata("a"));
    assertEquals(List.of(), store.list(""));
    try (Stream<Path> files = Files.list(root().resolve("secrets"))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void list_prefix_sortedAndFiltered() {
    put("b/x", "1");
    put("a/y", "1");
    put("a/x", "1");
    put("a.z", "1");
    put("é/unicode name", "1");
    assertEquals(List.of("a.z", "a/x", "a/y", "b/x", "é/unicode name"), store.list(""));
    assertEquals(List.of("a/x", "a/y"), store.list("a/"));
    assertEquals(List.of(), store.list("c"));
  }

  @Test
  void write_oddNames_roundTrip() {
    for (String name :
        List.of(".hidden", "..", "a%2Fb", "with space", "x/../y", "tmp-.tmp-1.part")) {
      put(name, "v-" + name);
      assertEquals("v-" + name, read(ReadRequest.current(name)), name);
    }
    assertEquals(6, store.list("").size());
  }

  // --- persistence, credentials

  @Test
  void reopen_afterClose_readsEverything() {
    put("a", "one");
    put("a", "two");
    backend.close();
    backend = TestStores.open(root());
    store = backend.secrets();
    assertEquals("two", read(ReadRequest.current("a")));
    assertEquals("one", read(ReadRequest.version("a", 1)));
  }

  @Test
  void open_wrongMasterKey_clearErrorAndNothingChanged() throws IOException {
    put("a", "one");
    Map<Path, byte[]> before = snapshot(root());
    byte[] wrong = TestStores.KEY.clone();
    wrong[0] ^= 1;
    AccessDeniedException e =
        assertThrows(
            AccessDeniedException.class,
            () ->
                FileBackend.open(
                    root(), Credentials.masterKey(wrong), FileBackend.Options.openExisting()));
    assertTrue(e.getMessage().contains("wrong passphrase or master key"), e.getMessage());
    assertSameFiles(before, snapshot(root()));
  }

  @Test
  void open_passphrase_rightOpensWrongFails() throws IOException {
    Path p = dir.resolve("pass");
    KdfParams kdf = KdfParams.defaults();
    try (FileBackend b =
        FileBackend.open(
            p,
            Credentials.passphrase("correct horse".toCharArray()),
            new FileBackend.Options(true, kdf, clock))) {
      b.secrets().write(new WriteRequest("a", SecretValue.ofUtf8("one"), Stage.CURRENT, 0));
    }
    String header = Files.readString(p.resolve("strongroom.json"));
    assertTrue(header.contains("argon2id") && header.contains("\"memoryKiB\" : 65536"), header);
    Map<Path, byte[]> before = snapshot(p);
    assertThrows(
        AccessDeniedException.class,
        () ->
            FileBackend.open(
                p,
                Credentials.passphrase("wrong horse".toCharArray()),
                FileBackend.Options.openExisting()));
    assertSameFiles(before, snapshot(p));
    try (FileBackend b =
        FileBackend.open(
            p,
            Credentials.passphrase("correct horse".toCharArray()),
            FileBackend.Options.openExisting())) {
      assertEquals(
          "one", b.secrets().read(ReadRequest.current("a")).orElseThrow().value().copyUtf8String());
    }
  }

  @Test
  void kdfDefaults_meetOwaspMinimum() {
    assertTrue(KdfParams.defaults().meetsOwaspMinimum());
    assertFalse(new KdfParams(8 * 1024, 1, 1).meetsOwaspMinimum());
  }

  @Test
  void open_missingStore_notFoundNamesInit() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class,
            () ->
                FileBackend.open(
                    dir.resolve("none"), TestStores.key(), FileBackend.Options.openExisting()));
    assertTrue(e.getMessage().contains("strongroom init"));
  }

  @Test
  void provider_foundByServiceLoaderAndOpensUri() {
    BackendProvider provider =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.scheme().equals("file"))
            .findFirst()
            .orElseThrow();
    assertNotNull(provider);
    FileUri uri = FileUri.parse(URI.create(root().toUri() + "?masterKeyEnv=MY_KEY&create=true"));
    assertEquals(root(), uri.path());
    assertTrue(uri.create());
    Credentials c = uri.credentials(n -> n.equals("MY_KEY") ? TestStores.KEY_BASE64 : null);
    assertEquals("Credentials[master key]", c.toString());
    assertThrows(
        AccessDeniedException.class, () -> FileUri.parse(root().toUri()).credentials(n -> null));
  }

  @Test
  void fileUri_relativeAndOptions_parse() {
    assertEquals(Path.of("./.strongroom"), FileUri.parse(URI.create("file:./.strongroom")).path());
    FileUri u = FileUri.parse(URI.create("file:rel/dir?passphraseEnv=P"));
    assertEquals(Path.of("rel/dir"), u.path());
    assertEquals(
        "Credentials[passphrase]", u.credentials(n -> n.equals("P") ? "pw" : null).toString());
    assertEquals(Path.of("/var/lib/x"), FileUri.parse(URI.create("file:///var/lib/x")).path());
    assertThrows(
        IllegalArgumentException.class, () -> FileUri.parse(URI.create("file:x?password=oops")));
    assertThrows(IllegalArgumentException.class, () -> FileUri.parse(URI.create("file://host/x")));
  }

  // --- keys across store objects

  @Test
  void keyRotation_byOtherStoreObject_isSeenWithoutReopen() {
    put("a", "one");
    try (FileBackend other = TestStores.open(root())) {
      other.keys().rotate(FileBackend.DEFAULT_KEY);
      other.keys().createKey("orders");
    }
    assertEquals(List.of(1, 2), backend.keys().describe("default").versions());
    assertEquals(List.of("default", "orders"), backend.keys().keyNames());
    try (FileBackend third = TestStores.open(root())) {
      third.secrets().write(new WriteRequest("b", SecretValue.ofUtf8("two"), Stage.CURRENT, 0));
    }
    assertEquals("two", read(ReadRequest.current("b")));
    assertEquals("one", read(ReadRequest.current("a")));
  }

  @Test
  void createKey_existing_conflicts() {
    assertThrows(ConflictException.class, () -> backend.keys().createKey("default"));
    assertThrows(IllegalArgumentException.class, () -> backend.keys().createKey("../evil"));
  }

  // --- corruption

  @Test
  void corruptSecretFile_reportedByNameOthersStillReadable() throws IOException {
    put("good", "fine");
    put("bad", CANARY);
    Path bad = root().resolve("secrets/bad.json");
    byte[] bytes = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
    StrongroomException e =
        assertThrows(StrongroomException.class, () -> store.read(ReadRequest.current("bad")));
    assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
    assertFalse(e.getMessage().contains(CANARY));
    assertThrows(StrongroomException.class, () -> put("bad", "repair?"));
    assertArrayEquals(
        java.util.Arrays.copyOf(bytes, bytes.length / 2), Files.readAllBytes(bad), "not repaired");
    assertEquals("fine", read(ReadRequest.current("good")));
    assertEquals(List.of("bad", "good"), store.list(""));
  }

  @Test
  void tamperedValue_reportedByNameNotDecrypted() throws IOException {
    put("a", "one");
    put("b", "two");
    Path a = root().resolve("secrets/a.json");
    Path b = root().resolve("secrets/b.json");
    // move b's sealed value into a: the context binds the name, so it must not open
    String valueB = field(Files.readString(b), "value");
    String textA = Files.readString(a);
    Files.writeString(a, textA.replace(field(textA, "value"), valueB));
    StrongroomException e =
        assertThrows(StrongroomException.class, () -> store.read(ReadRequest.current("a")));
    // the record's MAC (issue 12) catches the swap before the envelope's context does
    assertTrue(
        e.getMessage().contains("a.json") && e.getMessage().contains("integrity check"),
        e.getMessage());
    assertEquals("two", read(ReadRequest.current("b")));
  }

  @Test
  void corruptKeyFile_openFailsNamingFile() throws IOException {
    backend.close();
    Path key = root().resolve("keys/default.keyset");
    byte[] bytes = Files.readAllBytes(key);
    bytes[bytes.length - 1] ^= 1;
    Files.write(key, bytes);
    StrongroomException e = assertThrows(StrongroomException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("default.keyset"), e.getMessage());
    backend = TestStores.create(dir.resolve("other"), clock);
  }

  @Test
  void corruptHeader_openFailsNamingFile() throws IOException {
    Files.writeString(root().resolve("strongroom.json"), "{not json");
    StrongroomException e = assertThrows(StrongroomException.class, () -> TestStores.open(root()));
    assertTrue(e.getMessage().contains("strongroom.json"), e.getMessage());
  }

  @Test
  void leftoverTempFiles_removedOnOpen() throws IOException {
    Path leftover = root().resolve("secrets/.tmp-12345.part");
    Files.writeString(leftover, "half");
    TestStores.open(root()).close();
    assertFalse(Files.exists(leftover));
  }

  // --- permissions and leaks

  @Test
  void create_filesOwnerOnly() throws IOException {
    put("a", "one");
    try (Stream<Path> files = Files.walk(root())) {
      for (Path p : files.toList()) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", perms, p.toString());
      }
    }
  }

  @Test
  void open_storeReadableByOthers_warnsLoudly() throws IOException {
    put("a", "one");
    Files.setPosixFilePermissions(
        root().resolve("secrets/a.json"), PosixFilePermissions.fromString("rw-r--r--"));
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      TestStores.open(root()).close();
    } finally {
      System.setErr(saved);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("WARN") && log.contains("SECURITY WARNING"), log);
    assertTrue(log.contains("a.json"), log);
  }

  @Test
  void canary_neverInStoreFilesOrMessages() throws IOException {
    put("canary", CANARY);
    put("canary", CANARY + "-2");
    store.write(new WriteRequest("canary", SecretValue.ofUtf8(CANARY), Stage.PENDING, 2));
    for (byte[] content : snapshot(root()).values()) {
      String text = new String(content, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(CANARY));
      assertFalse(
          text.contains(
              java.util.Base64.getEncoder()
                  .encodeToString(CANARY.getBytes(StandardCharsets.UTF_8))));
    }
    StoredSecret s = store.read(ReadRequest.current("canary")).orElseThrow();
    assertFalse(s.toString().contains(CANARY));
    assertFalse(store.metadata("canary").toString().contains(CANARY));
    assertEquals(CANARY + "-2", s.value().copyUtf8String());
  }

  private static String field(String json, String name) {
    int start = json.indexOf('"', json.indexOf("\"" + name + "\"") + name.length() + 3) + 1;
    return json.substring(start, json.indexOf('"', start));
  }

  private static Map<Path, byte[]> snapshot(Path root) throws IOException {
    Map<Path, byte[]> out = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static void assertSameFiles(Map<Path, byte[]> before, Map<Path, byte[]> after) {
    assertEquals(before.keySet(), after.keySet());
    before.forEach((p, b) -> assertArrayEquals(b, after.get(p), p.toString()));
  }
}
