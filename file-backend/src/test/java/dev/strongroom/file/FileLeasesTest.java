package dev.strongroom.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileLeases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lease records and the shared audit log of a file store. */
class FileLeasesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private static FileLeases.Lease lease(String id) {
    return new FileLeases.Lease(
        id,
        "db/password",
        3,
        T0,
        Duration.ofMinutes(15),
        Duration.ofHours(1),
        T0.plus(Duration.ofMinutes(15)),
        false);
  }

  @Test
  void renew_extendsByTtlCappedAtMaxAndPersistsAcrossOpens() {
    Path store = dir.resolve("store");
    try (FileBackend backend = TestStores.create(store, Clock.systemUTC())) {
      backend.leaseRecords().issue(lease("strongroom/issued/db/password/01"));
      assertThrows(
          ConflictException.class,
          () -> backend.leaseRecords().issue(lease("strongroom/issued/db/password/01")));
    }
    try (FileBackend backend = TestStores.open(store)) {
      FileLeases leases = backend.leaseRecords();
      String id = "strongroom/issued/db/password/01";
      assertEquals(
          T0.plus(Duration.ofMinutes(25)),
          leases.renew(id, T0.plus(Duration.ofMinutes(10))).expires());
      for (int minute = 20; minute < 50; minute += 10) {
        leases.renew(id, T0.plus(Duration.ofMinutes(minute)));
      }
      assertEquals(
          T0.plus(Duration.ofHours(1)),
          leases.renew(id, T0.plus(Duration.ofMinutes(50))).expires(),
          "never past issued + max TTL");
      assertThrows(
          LeaseExpiredException.class, () -> leases.renew(id, T0.plus(Duration.ofHours(2))));
      assertEquals("expired", leases.find(id).orElseThrow().state(T0.plus(Duration.ofHours(2))));
      leases.revoke(id);
      assertThrows(
          LeaseExpiredException.class, () -> leases.renew(id, T0.plus(Duration.ofMinutes(55))));
      assertEquals("revoked", leases.list().get(0).state(T0));
      assertThrows(NotFoundException.class, () -> leases.renew("nope", T0));
    }
  }

  @Test
  void corruptLeaseFile_isReportedByName() throws Exception {
    Path store = dir.resolve("store");
    try (FileBackend backend = TestStores.create(store, Clock.systemUTC())) {
      backend.leaseRecords().issue(lease("a"));
      Files.writeString(store.resolve("leases/a.json"), "{\"format\":1,");
      StrongroomException e =
          assertThrows(StrongroomException.class, () -> backend.leaseRecords().list());
      assertTrue(e.getMessage().contains("a.json"), e.getMessage());
    }
  }

  @Test
  void auditSinks_twoOpenStoresAppendingInTurn_keepOneChain() {
    Path store = dir.resolve("store");
    TestStores.create(store, Clock.systemUTC()).close();
    try (FileBackend one = TestStores.open(store);
        FileBackend two = TestStores.open(store);
        AuditSink a = one.openAuditSink();
        AuditSink b = two.openAuditSink()) {
      for (int i = 0; i < 5; i++) {
        a.record(AuditEvent.of(T0, "a", "read", "x" + i, AuditEvent.Outcome.OK));
        b.record(AuditEvent.of(T0, "b", "read", "y" + i, AuditEvent.Outcome.OK));
      }
      try (SecretValue key = one.auditChainKey()) {
        var result = AuditVerifier.verify(one.auditFile(), key);
        assertTrue(result.ok(), result.reason());
        assertEquals(10, result.lineCount());
      }
      try (SecretValue k1 = one.auditChainKey();
          SecretValue k2 = two.auditChainKey()) {
        assertTrue(k1.equalsSecret(k2), "derived from the master key, the same for every open");
        assertFalse(
            new String(k1.copyBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals(new String(TestStores.KEY, java.nio.charset.StandardCharsets.ISO_8859_1)));
      }
    }
  }
}
