package dev.strongroom.hikari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.util.Credentials;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrongroomCredentialsProviderTest {
  private static final String CANARY = "canary-db-pw-77f1";

  @TempDir Path dir;
  private String uri;
  private Strongroom room;
  private Strongroom other;

  @BeforeEach
  void rooms() throws Exception {
    uri = PgFixture.fileStore(dir);
    // refreshAfter of an hour: the provider hears of other writers only when it asks
    room = open();
    other = open();
  }

  private Strongroom open() {
    return Strongroom.builder()
        .uri(uri)
        .refreshAfter(Duration.ofHours(1))
        .maxStaleness(Duration.ofHours(2))
        .build();
  }

  @AfterEach
  void close() {
    room.close();
    other.close();
  }

  private static SecretValue json(String user, String password) {
    return SecretValue.ofUtf8("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  /** A database that accepts exactly one user/password at a time. */
  private static class FakeDb implements DataSource {
    volatile String user;
    volatile String password;
    final List<String> attempts = new ArrayList<>();

    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLException("no default login");
    }

    @Override
    public synchronized Connection getConnection(String u, String p) throws SQLException {
      attempts.add(u);
      if (!u.equals(user) || !p.equals(password)) {
        throw new SQLException("password authentication failed for user \"" + u + "\"", "28P01");
      }
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(), new Class<?>[] {Connection.class}, (x, m, a) -> null);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  @Test
  void jsonSecret_givesUsernameAndPassword() {
    room.put("db/app", json("app_a", "pw-1"));
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      Credentials c = p.getCredentials();
      assertEquals("app_a", c.getUsername());
      assertEquals("pw-1", c.getPassword());
    }
  }

  @Test
  void secretPair_givesUsernameAndPassword() {
    room.put("db/user", SecretValue.ofUtf8("app"));
    room.put("db/password", SecretValue.ofUtf8("pw-1"));
    try (var p = StrongroomCredentialsProvider.fromSecrets(room, "db/user", "db/password")) {
      assertEquals("app", p.getCredentials().getUsername());
      assertEquals("pw-1", p.getCredentials().getPassword());
      other.put("db/password", SecretValue.ofUtf8("pw-2"));
      assertEquals("pw-2", p.refreshNow().getPassword());
    }
  }

  @Test
  void refusedLogin_rereadsTheCredentialAndRetriesOnce() throws Exception {
    room.put("db/app", json("app_a", "pw-1"));
    FakeDb db = new FakeDb();
    db.user = "app_a";
    db.password = "pw-1";
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      DataSource ds = p.retrying(db);
      assertNotNull(ds.getConnection());
      // another instance rotates; this room has not heard of it (refreshAfter is an hour)
      other.put("db/app", json("app_b", "pw-2"));
      db.user = "app_b";
      db.password = "pw-2";
      db.attempts.clear();
      assertNotNull(ds.getConnection());
      assertEquals(List.of("app_a", "app_b"), db.attempts);
      assertEquals(1, p.authRetries());
      assertEquals("app_b", p.getCredentials().getUsername());
    }
  }

  @Test
  void refusedLogin_withNothingNewer_failsWithoutASecondAttempt() throws Exception {
    room.put("db/app", json("app_a", "pw-1"));
    FakeDb db = new FakeDb();
    db.user = "app_a";
    db.password = "not-what-the-room-has";
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      SQLException e = assertThrows(SQLException.class, () -> p.retrying(db).getConnection());
      assertEquals("28P01", e.getSQLState());
      assertEquals(List.of("app_a"), db.attempts);
      assertEquals(0, p.authRetries());
    }
  }

  @Test
  void otherFailures_areNotRetried() throws Exception {
    room.put("db/app", json("app_a", "pw-1"));
    DataSource down =
        new FakeDb() {
          @Override
          public synchronized Connection getConnection(String u, String p) throws SQLException {
            attempts.add(u);
            throw new SQLException("connection refused", "08001");
          }
        };
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      SQLException e = assertThrows(SQLException.class, () -> p.retrying(down).getConnection());
      assertEquals("08001", e.getSQLState());
      assertEquals(1, ((FakeDb) down).attempts.size());
    }
  }

  @Test
  void credential_neverMovesBackToAnOlderVersion() {
    room.put("db/app", json("app_a", "pw-1"));
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      Credentials first = p.getCredentials();
      assertSame(first, p.refreshNow()); // same version: the same credential object
      other.put("db/app", json("app_b", "pw-2"));
      assertEquals("app_b", p.refreshNow().getUsername());
    }
  }

  @Test
  void malformedSecret_failsClearly_withoutTheValue() {
    room.put("db/app", SecretValue.ofUtf8("{\"username\": \"app\", \"password\": " + CANARY));
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      IllegalStateException e = assertThrows(IllegalStateException.class, p::getCredentials);
      assertTrue(e.getMessage().contains("db/app"), e.getMessage());
      assertFalse(String.valueOf(e).contains(CANARY));
      assertEquals(null, e.getCause());
      assertFalse(p.toString().contains(CANARY));
    }
    room.put("db/app", SecretValue.ofUtf8("{\"password\": \"" + CANARY + "\"}"));
    try (var p = StrongroomCredentialsProvider.fromSecret(room, "db/app")) {
      IllegalStateException e = assertThrows(IllegalStateException.class, p::getCredentials);
      assertFalse(e.getMessage().contains(CANARY));
    }
  }
}
