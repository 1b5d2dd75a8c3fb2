package dev.strongroom.hikari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strongroom.Strongroom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 against the real PostgreSQL: two "instances" (two rooms on one file store, each with a
 * HikariCP pool fed by {@link StrongroomCredentialsProvider}) under continuous query loops while
 * one of them rotates the credential with {@link AlternatingUsersRotator}. Rotations are driven one
 * at a time; the test waits, with bounded waits on conditions, until both pools answer as the new
 * role before the next one, so every rotation really moves new connections to a new login.
 */
class HikariRotationIT {
  private static final String SECRET = "db/app";
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  private PgFixture pg;
  private AlternatingUsersRotator rotator;

  @BeforeEach
  void roles() throws Exception {
    pg = PgFixture.create();
    rotator = AlternatingUsersRotator.of(pg.admin, pg.roleA, pg.roleB);
  }

  @AfterEach
  void dropRoles() throws Exception {
    pg.close();
  }

  private static Strongroom room(String uri, String principal, Duration refresh) {
    return Strongroom.builder()
        .uri(uri)
        .principal(principal)
        .refreshAfter(refresh)
        .maxStaleness(refresh.multipliedBy(2))
        .build();
  }

  /** A pool of 4 (2 idle) whose logins are counted before and after the retrying layer. */
  private static final class Instance implements AutoCloseable {
    final Strongroom room;
    final StrongroomCredentialsProvider credentials;
    final CountingDataSource logins = new CountingDataSource(PgFixture.dataSource(false));
    final CountingDataSource poolLogins;
    final HikariDataSource pool;

    Instance(Strongroom room, String name) {
      this.room = room;
      this.credentials = StrongroomCredentialsProvider.fromSecret(room, SECRET);
      this.poolLogins = new CountingDataSource(credentials.retrying(logins));
      HikariConfig config = new HikariConfig();
      config.setPoolName(name);
      config.setDataSource(poolLogins);
      config.setCredentialsProvider(credentials);
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(2);
      config.setConnectionTimeout(10_000);
      this.pool = new HikariDataSource(config);
      credentials.evictOnChange(pool);
    }

    @Override
    public void close() {
      pool.close();
      credentials.close();
      room.close();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + BOUND + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void twoInstances_alternatingUsers_noFailedQueryOrLogin() throws Exception {
    int rotations = Integer.getInteger("strongroom.it.rotations", 12);
    String uri = PgFixture.fileStore(Files.createDirectories(dir));
    try (Strongroom setup = room(uri, "setup", Duration.ofSeconds(1))) {
      setup.put(SECRET, rotator.initial());
    }
    try (Instance a = new Instance(room(uri, "instance-a", Duration.ofMillis(200)), "pool-a");
        Instance b = new Instance(room(uri, "instance-b", Duration.ofMillis(200)), "pool-b")) {
      QueryLoop loopA = new QueryLoop("loop-a", a.pool, 3);
      QueryLoop loopB = new QueryLoop("loop-b", b.pool, 3);
      try {
        await("both pools answer", () -> loopA.queries.get() > 0 && loopB.queries.get() > 0);
        loopA.longestNanos.reset(); // stalls are measured across rotations, not the pools' start
        loopB.longestNanos.reset();
        for (int i = 1; i <= rotations; i++) {
          long version = a.room.rotate(SECRET, rotator).version();
          String role = (i % 2 == 1) ? pg.roleB : pg.roleA;
          long beforeA = loopA.answeredAs(role);
          long beforeB = loopB.answeredAs(role);
          await(
              "rotation " + i + " (v" + version + ") reaches both providers",
              () ->
                  a.credentials.getCredentials().getUsername().equals(role)
                      && b.credentials.getCredentials().getUsername().equals(role));
          await(
              "both pools answer as " + role + " after rotation " + i,
              () -> loopA.answeredAs(role) > beforeA && loopB.answeredAs(role) > beforeB);
        }
      } finally {
        loopA.close();
        loopB.close();
      }
      long queries = loopA.queries.get() + loopB.queries.get();
      long failed = loopA.failures.get() + loopB.failures.get();
      long failedLogins = a.poolLogins.failed.get() + b.poolLogins.failed.get();
      long opened = a.logins.opened.get() + b.logins.opened.get();
      long longestMs = Math.max(loopA.longestNanos.get(), loopB.longestNanos.get()) / 1_000_000;
      String numbers =
          String.format(
              "hikari IT two instances: rotations=%d queries=%d failedQueries=%d"
                  + " failedPoolLogins=%d refusedLogins=%d authRetries=%d newConnections=%d"
                  + " longestStallMs=%d users=%s/%s",
              rotations,
              queries,
              failed,
              failedLogins,
              a.logins.failed.get() + b.logins.failed.get(),
              a.credentials.authRetries() + b.credentials.authRetries(),
              opened,
              longestMs,
              loopA.users,
              loopB.users);
      System.out.println(numbers);
      Files.writeString(Path.of("target", "hikari-it-two-instances.txt"), numbers + "\n");
      assertEquals(0, failed, () -> numbers + " " + loopA.errors + loopB.errors);
      assertEquals(0, failedLogins, numbers);
      assertTrue(opened >= 4 + 2L * rotations, "new connections really happened: " + numbers);
    }
  }

  @Test
  void laggingInstance_refusedLoginRefreshesAndRetries_noFailedQuery() throws Exception {
    String uri = PgFixture.fileStore(Files.createDirectories(dir));
    try (Strongroom setup = room(uri, "setup", Duration.ofSeconds(1))) {
      setup.put(SECRET, rotator.initial());
    }
    // B refreshes once an hour: it learns of rotations only when the database refuses it.
    try (Instance a = new Instance(room(uri, "instance-a", Duration.ofMillis(200)), "pool-a");
        Instance b = new Instance(room(uri, "instance-b", Duration.ofHours(1)), "pool-b")) {
      QueryLoop loopB = new QueryLoop("loop-b", b.pool, 3);
      try {
        await("pool b answers", () -> loopB.queries.get() > 0);
        loopB.longestNanos.reset();
        a.room.rotate(SECRET, rotator); // role B gets a new password; B still holds role A's
        a.room.rotate(SECRET, rotator); // role A's old password is gone: B's credential is refused
        b.pool.getHikariPoolMXBean().softEvictConnections(); // B's pool must log in again
        await("pool b answers as " + pg.roleA + " again", () -> b.credentials.authRetries() > 0);
        long after = loopB.queries.get();
        await("pool b keeps answering", () -> loopB.queries.get() > after + 100);
      } finally {
        loopB.close();
      }
      String numbers =
          String.format(
              "hikari IT lagging instance: queries=%d failedQueries=%d failedPoolLogins=%d"
                  + " refusedLogins=%d authRetries=%d longestStallMs=%d",
              loopB.queries.get(),
              loopB.failures.get(),
              b.poolLogins.failed.get(),
              b.logins.failed.get(),
              b.credentials.authRetries(),
              loopB.longestNanos.get() / 1_000_000);
      System.out.println(numbers);
      Files.writeString(Path.of("target", "hikari-it-lagging.txt"), numbers + "\n");
      assertEquals(0, loopB.failures.get(), () -> numbers + " " + loopB.errors);
      assertEquals(0, b.poolLogins.failed.get(), numbers);
      assertTrue(b.logins.failed.get() >= 1, "a login was really refused: " + numbers);
    }
  }
}
