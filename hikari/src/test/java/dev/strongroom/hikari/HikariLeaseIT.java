package dev.strongroom.hikari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strongroom.Strongroom;
import dev.strongroom.lease.LeaseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 with Vault dynamic credentials against the real OpenBao and PostgreSQL: a pool fed by
 * {@link StrongroomCredentialsProvider#fromLease} under a continuous query loop while the room's
 * lease manager rotates the credential (TTL 60 s, max TTL 70 s: HikariCP ignores a maxLifetime
 * under 30 s, so the lease drives the hand-off). Waits for two rotations, bounded.
 */
class HikariLeaseIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private String connection;
  private String role;

  private static void bao(String method, String path, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(PgFixture.env("STRONGROOM_VAULT_ADDR") + "/v1/" + path))
            .header("X-Vault-Token", PgFixture.env("STRONGROOM_VAULT_TOKEN"))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300 && !"DELETE".equals(method)) {
      throw new IllegalStateException(method + " " + path + " -> " + response.statusCode());
    }
  }

  @BeforeEach
  void databaseRole() throws Exception {
    String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    connection = "it-hikari-pg-" + suffix;
    role = "it-hikari-app-" + suffix;
    String db = PgFixture.env("STRONGROOM_PG_DB");
    bao(
        "POST",
        "database/config/" + connection,
        "{\"plugin_name\":\"postgresql-database-plugin\",\"connection_url\":"
            + "\"postgresql://{{username}}:{{password}}@"
            + PgFixture.env("STRONGROOM_PG_HOST")
            + ":"
            + PgFixture.env("STRONGROOM_PG_PORT")
            + "/"
            + db
            + "?sslmode=disable\",\"username\":\""
            + PgFixture.env("STRONGROOM_PG_USER")
            + "\",\"password\":\""
            + PgFixture.env("STRONGROOM_PG_PASSWORD")
            + "\",\"allowed_roles\":\""
            + role
            + "\",\"verify_connection\":true}");
    bao(
        "POST",
        "database/roles/" + role,
        "{\"db_name\":\""
            + connection
            + "\",\"creation_statements\":[\"CREATE ROLE \\\"{{name}}\\\" WITH LOGIN PASSWORD"
            + " '{{password}}' VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE \\\""
            + db
            + "\\\" TO \\\"{{name}}\\\";\"],\"default_ttl\":\"60s\",\"max_ttl\":\"70s\"}");
  }

  @AfterEach
  void drop() throws Exception {
    bao("PUT", "sys/leases/revoke-prefix/database/creds/" + role, "{}");
    bao("DELETE", "database/roles/" + role, null);
    bao("DELETE", "database/config/" + connection, null);
  }

  // Issue 16: the lease manager keeps a replaced lease for an overlap window (here 10 s: half of
  // the 20 s left at rotation) after ROTATED, so soft-evicted connections drain before OpenBao
  // drops the old role. The loop runs on past the last overlap so that revocation happens under
  // load too.
  @Test
  void leaseRotations_reachThePool_noFailedQuery() throws Exception {
    URI addr = URI.create(PgFixture.env("STRONGROOM_VAULT_ADDR"));
    String uri = "vault://" + addr.getHost() + ":" + addr.getPort() + "?tls=false&auth=token";
    AtomicInteger rotated = new AtomicInteger();
    Set<String> users = ConcurrentHashMap.newKeySet();
    try (Strongroom room = Strongroom.builder().uri(uri).principal("hikari-lease-it").build()) {
      room.onLeaseEvent(
          e -> {
            if (e.type() == LeaseEvent.Type.ROTATED) {
              rotated.incrementAndGet();
            }
          });
      try (StrongroomCredentialsProvider credentials =
          StrongroomCredentialsProvider.fromLease(room, "database/creds/" + role)) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pool-lease");
        config.setJdbcUrl(PgFixture.env("STRONGROOM_PG_JDBC_URL"));
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        try (HikariDataSource pool = credentials.newPool(config)) {
          QueryLoop loop = new QueryLoop("loop-lease", pool, 2);
          try {
            long deadline = System.nanoTime() + Duration.ofSeconds(170).toNanos();
            while (rotated.get() < 2 && System.nanoTime() < deadline) {
              users.add(credentials.getCredentials().getUsername());
              Thread.sleep(100);
            }
            String last = credentials.getCredentials().getUsername();
            long before = loop.answeredAs(last);
            long wait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (loop.answeredAs(last) <= before && System.nanoTime() < wait) {
              Thread.sleep(10);
            }
            assertTrue(loop.answeredAs(last) > before, "the pool answers as the newest user");
            Thread.sleep(12_000); // past the last replaced lease's overlap: revoked under load
          } finally {
            loop.close();
          }
          String numbers =
              String.format(
                  "hikari lease IT: rotations=%d queries=%d failedQueries=%d longestStallMs=%d"
                      + " users=%d answered=%s errors=%s",
                  rotated.get(),
                  loop.queries.get(),
                  loop.failures.get(),
                  loop.longestNanos.get() / 1_000_000,
                  loop.users.size(),
                  loop.users.values(),
                  loop.errors);
          System.out.println(numbers);
          Files.writeString(Path.of("target", "hikari-it-lease.txt"), numbers + "\n");
          assertTrue(rotated.get() >= 2, numbers);
          assertEquals(0, loop.failures.get(), numbers);
        }
      }
    }
  }
}
