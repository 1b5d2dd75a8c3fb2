package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.lease.Lease;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dynamic PostgreSQL credentials from OpenBao's database engine, used for real. */
class VaultLeasesIT {
  private static final String PATH = "database/creds/strongroom-app";
  private VaultBackend backend;
  private LeaseProvider leases;

  @BeforeEach
  void setUp() {
    backend = VaultServers.devBackend();
    leases = backend.leases().orElseThrow();
  }

  private static Connection login(LeasedSecret secret) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", secret.fields().get("username").copyUtf8String());
    props.setProperty("password", secret.fields().get("password").copyUtf8String());
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(VaultServers.env("STRONGROOM_PG_JDBC_URL"), props);
  }

  private static int selectOne(LeasedSecret secret) throws SQLException {
    try (Connection c = login(secret);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1")) {
      assertTrue(r.next());
      return r.getInt(1);
    }
  }

  @Test
  void databaseCredentials_acquireUseRenewRevoke_leaveNothingBehind() throws SQLException {
    LeasedSecret secret = leases.acquire(PATH);
    Lease lease = secret.lease();
    assertTrue(lease.id().startsWith(PATH + "/"), lease.id());
    assertTrue(lease.renewable());
    assertEquals(Duration.ofHours(1), lease.ttl());
    assertFalse(secret.toString().contains(secret.fields().get("password").copyUtf8String()));

    assertEquals(1, selectOne(secret));

    Lease renewed = leases.renew(lease.id(), Duration.ofMinutes(10));
    assertEquals(lease.id(), renewed.id());
    assertTrue(renewed.ttl().compareTo(Duration.ZERO) > 0);
    assertTrue(renewed.ttl().compareTo(Duration.ofMinutes(10)) <= 0, renewed.ttl().toString());
    assertEquals(1, selectOne(secret));

    leases.revoke(lease.id());
    assertThrows(SQLException.class, () -> selectOne(secret));
    VaultHttp.Response lookup =
        backend
            .http()
            .send("PUT", "sys/leases/lookup", VaultHttp.object().put("lease_id", lease.id()));
    assertEquals(400, lookup.status());
    VaultHttp.Response listed =
        backend.http().send("LIST", "sys/leases/lookup/" + PATH + "/", null);
    String suffix = lease.id().substring(PATH.length() + 1);
    for (JsonNode key : listed.data().path("keys")) {
      assertFalse(key.asText().equals(suffix), "lease still listed");
    }
    assertThrows(
        LeaseExpiredException.class, () -> leases.renew(lease.id(), Duration.ofMinutes(1)));
    leases.revoke(lease.id()); // revoking again is not an error
    secret.wipe();
  }

  @Test
  void renew_askingBeyondMaxTtl_isGrantedLess() {
    LeasedSecret secret = leases.acquire(PATH);
    try {
      Lease renewed = leases.renew(secret.lease().id(), Duration.ofDays(30));
      assertTrue(renewed.ttl().compareTo(Duration.ofHours(24)) <= 0, renewed.ttl().toString());
    } finally {
      leases.revoke(secret.lease().id());
      secret.wipe();
    }
  }

  @Test
  void acquire_pathWithoutLease_fails() {
    assertThrows(RuntimeException.class, () -> leases.acquire("sys/health"));
  }
}
