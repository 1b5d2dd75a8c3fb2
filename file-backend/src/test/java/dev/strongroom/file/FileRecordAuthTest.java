package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 5: record metadata is authenticated (HMAC under a key derived from the master key,
 * name bound in) and a record replaced by an older genuine copy of itself is caught by the MACed
 * manifest of generations. The attacker here can write the store folder but has no passphrase.
 */
class FileRecordAuthTest {
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
  private FileBackend backend;

  @BeforeEach
  void setUp() {
    backend = TestStores.create(root(), clock);
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  private Path root() {
    return dir.resolve("store");
  }

  private Path record(String name) {
    return root().resolve("secrets").resolve(name + ".json");
  }

  private void put(String name, String value) {
    backend
        .secrets()
        .write(
            new WriteRequest(
                name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private String get(String name) {
    return backend
        .secrets()
        .read(ReadRequest.current(name))
        .map(s -> s.value().copyUtf8String())
        .orElse(null);
  }

  @Test
  void editedStages_silentRollbackOfCurrent_isATypedIntegrityError() throws Exception {
    put("db", "old");
    put("db", "new");
    String json = Files.readString(record("db"));
    // swap the stages: CURRENT back to version 1
    String edited =
        json.replace("\"CURRENT\"", "\"X\"")
            .replace("\"PREVIOUS\"", "\"CURRENT\"")
            .replace("\"X\"", "\"PREVIOUS\"");
    assertFalse(edited.equals(json));
    Files.writeString(record("db"), edited);
    TamperedException e = assertThrows(TamperedException.class, () -> get("db"));
    assertTrue(e.getMessage().contains("db.json"), e.getMessage());
    assertEquals(List.of("db: " + e.getMessage()), backend.verifyRecords());
  }

  @Test
  void editedDeletedFlag_undelete_isATypedIntegrityError() throws Exception {
    put("db", "v");
    backend.secrets().delete("db");
    String json = Files.readString(record("db"));
    Files.writeString(record("db"), json.replace("\"deleted\" : true", "\"deleted\" : false"));
    assertThrows(TamperedException.class, () -> get("db"));
  }

  @Test
  void recordCopiedUnderAnotherName_isATypedIntegrityError() throws Exception {
    put("a", "one");
    put("b", "two");
    Files.writeString(record("b"), Files.readString(record("a")).replace("\"a\"", "\"b\""));
    assertThrows(TamperedException.class, () -> get("b"));
    assertEquals("one", get("a"));
  }

  @Test
  void olderGenuineCopy_isDetectedAsRollback() throws Exception {
    put("db", "v1");
    byte[] old = Files.readAllBytes(record("db"));
    put("db", "v2");
    Files.write(record("db"), old);
    TamperedException e = assertThrows(TamperedException.class, () -> get("db"));
    assertTrue(e.getMessage().contains("older copy"), e.getMessage());
    assertEquals(1, backend.verifyRecords().size());
  }

  @Test
  void olderCopyOfMetadataOnlyChange_isDetected() throws Exception {
    put("db", "v1");
    byte[] live = Files.readAllBytes(record("db"));
    backend.secrets().delete("db");
    Files.write(record("db"), live); // un-delete by restoring the copy from before the delete
    assertThrows(TamperedException.class, () -> get("db"));
  }

  @Test
  void destroyedRecordRestoredFromBackup_staysDestroyed() throws Exception {
    put("db", "v1");
    byte[] old = Files.readAllBytes(record("db"));
    backend.secrets().destroy(DestroyRequest.all("db"));
    Files.write(record("db"), old);
    assertEquals(null, get("db"));
    assertEquals(List.of(), backend.secrets().list(""));
    put("db", "fresh");
    assertEquals("fresh", get("db"));
  }

  @Test
  void recordDeletedOutsideStrongroom_isReported() throws Exception {
    put("db", "v1");
    Files.delete(record("db"));
    assertThrows(TamperedException.class, () -> get("db"));
    assertEquals(1, backend.verifyRecords().size());
    backend.secrets().destroy(DestroyRequest.all("db")); // the way out
    assertEquals(List.of(), backend.verifyRecords());
  }

  @Test
  void editedOrMissingManifest_failsTheOpen() throws Exception {
    put("db", "v1");
    backend.close();
    Path manifest = root().resolve("manifest.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replace("\"generation\" : 1", "\"generation\" : 0"));
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
    Files.delete(manifest);
    assertThrows(TamperedException.class, () -> TestStores.open(root()));
    Files.writeString(manifest, json);
    backend = TestStores.open(root());
    assertEquals("v1", get("db"));
  }

  @Test
  void headerDowngradeToUnauthenticatedFormat_failsTheCredentials() throws Exception {
    backend.close();
    Path header = root().resolve("strongroom.json");
    String json = Files.readString(header);
    assertTrue(json.contains("strongroom-file/2"), json);
    Files.writeString(header, json.replace("strongroom-file/2", "strongroom-file/1"));
    assertThrows(AccessDeniedException.class, () -> TestStores.open(root()));
    Files.writeString(header, json);
    backend = TestStores.open(root());
  }

  @Test
  void untouchedStore_verifiesClean() throws Exception {
    put("a", "1");
    put("a", "2");
    put("b", "3");
    backend.secrets().delete("b");
    backend.secrets().destroy(DestroyRequest.versions("a", List.of(1L)));
    backend.secrets().moveStage(new MoveStageRequest("a", Stage.PENDING, 2, 0));
    assertEquals(List.of(), backend.verifyRecords());
    backend.close();
    backend = TestStores.open(root());
    assertEquals(List.of(), backend.verifyRecords());
    assertEquals("2", get("a"));
  }

  private static dev.strongroom.file.internal.FileLeases.Lease lease(String id) {
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    return new dev.strongroom.file.internal.FileLeases.Lease(
        id,
        "db",
        1,
        t0,
        java.time.Duration.ofMinutes(15),
        java.time.Duration.ofHours(1),
        t0.plus(java.time.Duration.ofMinutes(15)),
        false);
  }

  @Test
  void editedLease_unRevoke_isATypedIntegrityError() throws Exception {
    var leases = backend.leaseRecords();
    leases.issue(lease("l1"));
    leases.revoke("l1");
    Path file = root().resolve("leases").resolve("l1.json");
    String json = Files.readString(file);
    Files.writeString(file, json.replace("\"revoked\" : true", "\"revoked\" : false"));
    assertThrows(TamperedException.class, () -> leases.find("l1"));
    assertEquals(1, backend.verifyRecords().size());
    assertTrue(backend.verifyRecords().get(0).startsWith("lease l1: "));
  }

  @Test
  void olderCopyOfALease_unRevoke_isDetectedAsRollback() throws Exception {
    var leases = backend.leaseRecords();
    leases.issue(lease("l1"));
    Path file = root().resolve("leases").resolve("l1.json");
    byte[] active = Files.readAllBytes(file);
    leases.revoke("l1");
    Files.write(file, active);
    TamperedException e = assertThrows(TamperedException.class, () -> leases.find("l1"));
    assertTrue(e.getMessage().contains("older copy"), e.getMessage());
    assertThrows(TamperedException.class, leases::list);
  }

  @Test
  void untouchedLeases_verifyClean_acrossOpens() throws Exception {
    var leases = backend.leaseRecords();
    leases.issue(lease("l1"));
    leases.issue(lease("l2"));
    leases.renew("l1", Instant.parse("2030-01-01T00:10:00Z"));
    leases.revoke("l2");
    assertEquals(List.of(), backend.verifyRecords());
    backend.close();
    backend = TestStores.open(root());
    assertEquals(2, backend.leaseRecords().list().size());
    assertTrue(backend.leaseRecords().find("l2").orElseThrow().revoked());
    assertEquals(List.of(), backend.verifyRecords());
  }
}
