package dev.strongroom.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strongroom.Strongroom;
import dev.strongroom.hikari.AlternatingUsersRotator;
import dev.strongroom.hikari.StrongroomCredentialsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Issue 16 with Spring Boot against the real PostgreSQL: two application contexts (two instances)
 * import the credential with {@code spring.config.import=strongroom:db/app} from one file store,
 * each with a HikariCP pool fed by {@link StrongroomCredentialsProvider}, under continuous query
 * loops while instance A rotates with {@link AlternatingUsersRotator}. Rotations are driven one at
 * a time with bounded waits on conditions: both pools answer as the new role, and both environments
 * show it, before the next.
 */
class SpringHikariRotationIT {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  private PgFixture pg;

  @BeforeEach
  void roles() throws Exception {
    pg = PgFixture.create();
  }

  @AfterEach
  void dropRoles() throws Exception {
    pg.close();
  }

  /** The application: a pool whose logins come from the imported secret. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(StrongroomAutoConfiguration.class)
  static class DbApp {
    final List<StrongroomSecretChangedEvent> events = new CopyOnWriteArrayList<>();

    @Bean(destroyMethod = "close")
    StrongroomCredentialsProvider dbCredentials(Strongroom room) {
      return StrongroomCredentialsProvider.fromSecret(room, "db/app");
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(StrongroomCredentialsProvider credentials, Environment env) {
      HikariConfig config = new HikariConfig();
      config.setPoolName(env.getProperty("app.name"));
      config.setJdbcUrl(env.getProperty("app.jdbc-url"));
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(2);
      config.setConnectionTimeout(10_000);
      return credentials.newPool(config);
    }

    @Bean
    ApplicationListener<StrongroomSecretChangedEvent> collector() {
      return events::add;
    }
  }

  private static ConfigurableApplicationContext start(String uri, String name) {
    return new SpringApplicationBuilder(DbApp.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .run(
            "--spring.config.import=strongroom:db/app",
            "--strongroom.uri=" + uri,
            "--strongroom.principal=" + name,
            "--strongroom.refresh=200ms",
            "--strongroom.staleness=10s",
            "--app.name=" + name,
            "--app.jdbc-url=" + PgFixture.env("STRONGROOM_PG_JDBC_URL"));
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
  void twoContexts_alternatingUsers_noFailedQuery() throws Exception {
    int rotations = Integer.getInteger("strongroom.it.rotations", 10);
    AlternatingUsersRotator rotator = AlternatingUsersRotator.of(pg.admin, pg.roleA, pg.roleB);
    String uri = PgFixture.fileStore(Files.createDirectories(dir));
    try (Strongroom setup = Strongroom.open(uri)) {
      setup.put("db/app", rotator.initial());
    }
    try (ConfigurableApplicationContext a = start(uri, "spring-a");
        ConfigurableApplicationContext b = start(uri, "spring-b")) {
      QueryLoop loopA = new QueryLoop("loop-a", a.getBean(HikariDataSource.class), 3);
      QueryLoop loopB = new QueryLoop("loop-b", b.getBean(HikariDataSource.class), 3);
      Strongroom roomA = a.getBean(Strongroom.class);
      try {
        await("both pools answer", () -> loopA.queries.get() > 0 && loopB.queries.get() > 0);
        loopA.longestNanos.reset();
        loopB.longestNanos.reset();
        for (int i = 1; i <= rotations; i++) {
          roomA.rotate("db/app", rotator);
          String role = (i % 2 == 1) ? pg.roleB : pg.roleA;
          long beforeA = loopA.answeredAs(role);
          long beforeB = loopB.answeredAs(role);
          int rotation = i;
          await(
              "rotation " + rotation + " reaches both environments",
              () ->
                  role.equals(a.getEnvironment().getProperty("db.app.username"))
                      && role.equals(b.getEnvironment().getProperty("db.app.username")));
          await(
              "both pools answer as " + role + " after rotation " + rotation,
              () -> loopA.answeredAs(role) > beforeA && loopB.answeredAs(role) > beforeB);
        }
      } finally {
        loopA.close();
        loopB.close();
      }
      long queries = loopA.queries.get() + loopB.queries.get();
      long failed = loopA.failures.get() + loopB.failures.get();
      int eventsA = a.getBean(DbApp.class).events.size();
      int eventsB = b.getBean(DbApp.class).events.size();
      String numbers =
          String.format(
              "spring IT two contexts: rotations=%d queries=%d failedQueries=%d events=%d/%d"
                  + " authRetries=%d longestStallMs=%d users=%s/%s",
              rotations,
              queries,
              failed,
              eventsA,
              eventsB,
              a.getBean(StrongroomCredentialsProvider.class).authRetries()
                  + b.getBean(StrongroomCredentialsProvider.class).authRetries(),
              Math.max(loopA.longestNanos.get(), loopB.longestNanos.get()) / 1_000_000,
              loopA.users,
              loopB.users);
      System.out.println(numbers);
      Files.writeString(Path.of("target", "spring-it-two-contexts.txt"), numbers + "\n");
      assertEquals(0, failed, () -> numbers + " " + loopA.errors + loopB.errors);
      assertEquals(rotations, eventsA, numbers);
      assertEquals(rotations, eventsB, numbers);
      assertTrue(loopA.answeredAs(pg.roleA) > 0 && loopA.answeredAs(pg.roleB) > 0, numbers);
    }
  }
}
