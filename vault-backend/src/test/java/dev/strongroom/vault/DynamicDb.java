package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A database connection and role of the test's own on an OpenBao server's database engine, so that
 * short TTLs never disturb the shared {@code strongroom-app} role; {@link #close()} revokes every
 * lease under the role and deletes both.
 */
final class DynamicDb implements AutoCloseable {
  private final VaultBackend root;
  private final String connection;
  private final String role;

  private DynamicDb(VaultBackend root, String connection, String role) {
    this.root = root;
    this.connection = connection;
    this.role = role;
  }

  /** A connection to the test PostgreSQL and a role with these TTLs (e.g. "4s", "12s"). */
  static DynamicDb create(VaultBackend root, String defaultTtl, String maxTtl) {
    String connection = VaultServers.unique("it-pg");
    String role = VaultServers.unique("it-app");
    String host = VaultServers.env("STRONGROOM_PG_HOST");
    String port = VaultServers.env("STRONGROOM_PG_PORT");
    String db = VaultServers.env("STRONGROOM_PG_DB");
    ObjectNode config = VaultHttp.object();
    config.put("plugin_name", "postgresql-database-plugin");
    config.put(
        "connection_url",
        "postgresql://{{username}}:{{password}}@"
            + host
            + ":"
            + port
            + "/"
            + db
            + "?sslmode=disable");
    config.put("username", VaultServers.env("STRONGROOM_PG_USER"));
    config.put("password", VaultServers.env("STRONGROOM_PG_PASSWORD"));
    config.put("allowed_roles", role);
    config.put("verify_connection", true);
    VaultServers.root(root, "POST", "database/config/" + connection, config);
    ObjectNode roleBody = VaultHttp.object();
    roleBody.put("db_name", connection);
    roleBody
        .putArray("creation_statements")
        .add(
            "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}'"
                + " VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE \""
                + db
                + "\" TO \"{{name}}\";");
    roleBody.put("default_ttl", defaultTtl);
    roleBody.put("max_ttl", maxTtl);
    VaultServers.root(root, "POST", "database/roles/" + role, roleBody);
    return new DynamicDb(root, connection, role);
  }

  /** The role's name. */
  String role() {
    return role;
  }

  /** The path that issues credentials. */
  String path() {
    return "database/creds/" + role;
  }

  /** Logs in with the credentials and returns {@code current_user} from a query. */
  static String currentUser(String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10");
    try (Connection c =
            DriverManager.getConnection(VaultServers.env("STRONGROOM_PG_JDBC_URL"), props);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT current_user")) {
      assertTrue(r.next());
      return r.getString(1);
    }
  }

  /** Whether PostgreSQL accepts the credentials. */
  static boolean accepts(String user, String password) {
    try {
      assertEquals(user, currentUser(user, password));
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Whether OpenBao still knows the lease ({@code sys/leases/lookup}). */
  boolean leaseKnown(String leaseId) {
    VaultHttp.Response lookup =
        root.http().send("PUT", "sys/leases/lookup", VaultHttp.object().put("lease_id", leaseId));
    return lookup.ok();
  }

  /** The lease ids OpenBao lists under the role ({@code LIST sys/leases/lookup/...}). */
  List<String> listedLeases() {
    VaultHttp.Response listed = root.http().send("LIST", "sys/leases/lookup/" + path() + "/", null);
    List<String> ids = new ArrayList<>();
    if (listed.status() == 404) {
      return ids;
    }
    assertTrue(listed.ok(), "LIST leases -> " + listed.status());
    for (JsonNode key : listed.data().path("keys")) {
      ids.add(path() + "/" + key.asText());
    }
    return ids;
  }

  @Override
  public void close() {
    root.http().send("PUT", "sys/leases/revoke-prefix/" + path(), VaultHttp.object());
    root.http().send("DELETE", "database/roles/" + role, null);
    root.http().send("DELETE", "database/config/" + connection, null);
  }
}
