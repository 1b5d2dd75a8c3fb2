package dev.strongroom.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL of the test servers (env {@code STRONGROOM_PG_*}, from
 * ~/.cache/strongroom/state/servers.env), and test-owned roles with unique names that {@link
 * #close()} drops. Not thread-safe; one per test class.
 */
final class PgFixture implements AutoCloseable {
  final String group;
  final String roleA;
  final String roleB;
  final PGSimpleDataSource admin;

  private PgFixture() throws SQLException {
    String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    group = "sr_it_" + suffix;
    roleA = group + "_a";
    roleB = group + "_b";
    admin = dataSource(true);
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + group + " NOLOGIN");
      s.execute("CREATE ROLE " + roleA + " LOGIN IN ROLE " + group);
      s.execute("CREATE ROLE " + roleB + " LOGIN IN ROLE " + group);
    }
  }

  static PgFixture create() throws SQLException {
    return new PgFixture();
  }

  static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name
              + " is not set: source ~/.cache/strongroom/state/servers.env (scripts/servers) before"
              + " running the PostgreSQL integration tests");
    }
    return value;
  }

  /** A data source on the test database; with the admin's login for {@code getConnection()}. */
  static PGSimpleDataSource dataSource(boolean asAdmin) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(env("STRONGROOM_PG_JDBC_URL"));
    ds.setConnectTimeout(10);
    if (asAdmin) {
      ds.setUser(env("STRONGROOM_PG_USER"));
      ds.setPassword(env("STRONGROOM_PG_PASSWORD"));
    }
    return ds;
  }

  /** A file-store URI in {@code dir} with a fresh master key file; the store is created. */
  static String fileStore(Path dir) throws java.io.IOException {
    byte[] key = new SecureRandom().generateSeed(32);
    Path keyFile = dir.resolve("master.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
    Path store = dir.resolve("store");
    return "file:" + store + "?create=true&masterKeyFile=" + keyFile;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename IN ('"
              + roleA
              + "', '"
              + roleB
              + "')");
      s.execute("DROP ROLE IF EXISTS " + roleA);
      s.execute("DROP ROLE IF EXISTS " + roleB);
      s.execute("DROP ROLE IF EXISTS " + group);
    }
  }
}
