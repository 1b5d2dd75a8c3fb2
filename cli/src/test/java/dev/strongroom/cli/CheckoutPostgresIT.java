package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, just-in-time check-out against a real PostgreSQL role, through the launcher as an
 * operator would: a check-out-only secret is refused outside a lease (exit 5) and printed under
 * one; the operator's rotation command (in the CLI's own configuration, never in the store) runs at
 * check-in and changes the role's password with {@code ALTER ROLE}, so the value copied during the
 * lease no longer logs in, and the next lease's value does.
 */
class CheckoutPostgresIT {
  private static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  @TempDir Path dir;

  private final String role = "it_checkout_" + UUID.randomUUID().toString().substring(0, 8);

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      fail(
          ("true".equals(System.getenv("CI")) ? "CI=true and " : "")
              + name
              + " is not set: run scripts/servers/all.sh up and source"
              + " ~/.cache/strongroom/state/servers.env before Maven (or -DskipITs)");
    }
    return value;
  }

  @AfterEach
  void dropRole() throws Exception {
    psqlAsAdmin("DROP ROLE IF EXISTS " + role);
  }

  @Test
  void checkoutOnly_readUnderALease_checkinRotatesTheRolePassword() throws Exception {
    String initial = "initial-" + UUID.randomUUID();
    assertEquals(0, psqlAsAdmin("CREATE ROLE " + role + " LOGIN PASSWORD '" + initial + "'"));
    assertTrue(logsIn(initial), "the initial password logs in");

    String store = "file:" + dir.resolve("store");
    ok("", store, "init");
    ok(initial, store, "put", "db/admin");
    ok("", store, "lease", "require", "db/admin");
    Launcher.Output refused = strongroom("", store, "get", "db/admin");
    assertEquals(Main.ACCESS_DENIED, refused.exit(), refused.stderr());
    assertEquals("", refused.out());
    assertTrue(refused.stderr().contains("check-out-only"), refused.stderr());
    assertFalse(refused.stderr().contains(initial), "the value never reaches stderr");

    String[] acquired =
        ok("", store, "lease", "acquire", "db/admin", "--ttl", "15m", "--print-value")
            .out()
            .split("\n");
    String lease = acquired[0].trim();
    assertEquals(initial, acquired[1]);

    Path config = dir.resolve("config.properties");
    String connect =
        "psql -X -q -h "
            + env("STRONGROOM_PG_HOST")
            + " -p "
            + env("STRONGROOM_PG_PORT")
            + " -d "
            + env("STRONGROOM_PG_DB")
            + " -v ON_ERROR_STOP=1";
    Files.writeString(
        config,
        "rotate.db/admin=v=$(cat); printf \"ALTER ROLE "
            + role
            + " PASSWORD '%s'\" \"$v\" | PGPASSWORD=\"$ADMIN_PASSWORD\" "
            + connect
            + " -U "
            + env("STRONGROOM_PG_USER")
            + "\n"
            + "rotate.db/admin.verify=v=$(cat); PGPASSWORD=\"$v\" "
            + connect
            + " -U "
            + role
            + " -c 'select 1'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

    ok("", store, "lease", "revoke", lease, "--config", config.toString());

    assertFalse(logsIn(initial), "the value copied during the lease no longer logs in");
    assertEquals(Main.LEASE_ENDED, strongroom("", store, "lease", "read", lease).exit());
    String[] next =
        ok("", store, "lease", "acquire", "db/admin", "--ttl", "15m", "--print-value")
            .out()
            .split("\n");
    assertNotEquals(initial, next[1]);
    assertTrue(logsIn(next[1]), "the rotated password logs in");
  }

  private Launcher.Output ok(String stdin, String store, String... args) throws Exception {
    Launcher.Output o = strongroom(stdin, store, args);
    assertEquals(0, o.exit(), () -> String.join(" ", args) + " failed: " + o.stderr());
    return o;
  }

  private Launcher.Output strongroom(String stdin, String store, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("--store", store));
    command.addAll(List.of(args));
    return Launcher.run(
        dir,
        Map.of(
            "STRONGROOM_MASTER_KEY", MASTER_KEY,
            "STRONGROOM_SKIP_BUILD", "1",
            "XDG_STATE_HOME", dir.resolve("state").toString(),
            "XDG_CONFIG_HOME", dir.resolve("no-config").toString(),
            "ADMIN_PASSWORD", env("STRONGROOM_PG_PASSWORD")),
        stdin.getBytes(StandardCharsets.UTF_8),
        command);
  }

  private boolean logsIn(String password) throws Exception {
    return psql(role, password, "select 1") == 0;
  }

  private static int psqlAsAdmin(String sql) throws Exception {
    return psql(env("STRONGROOM_PG_USER"), env("STRONGROOM_PG_PASSWORD"), sql);
  }

  /** Runs {@code sql} through psql (the statement on stdin, the password in its environment). */
  private static int psql(String user, String password, String sql) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            "psql",
            "-X",
            "-q",
            "-h",
            env("STRONGROOM_PG_HOST"),
            "-p",
            env("STRONGROOM_PG_PORT"),
            "-U",
            user,
            "-d",
            env("STRONGROOM_PG_DB"),
            "-v",
            "ON_ERROR_STOP=1");
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((sql + ";\n").getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "psql timed out");
    return p.exitValue();
  }
}
