package dev.strongroom.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code spring.config.import=strongroom:...} in a real SpringApplication on the file store. */
class ConfigImportTest {
  private static final String CANARY = "canary-imported-pw-a41d";

  @TempDir Path dir;
  private String uri;

  @BeforeEach
  void store() throws Exception {
    uri = Stores.fileStore(dir);
    try (Strongroom room = Strongroom.open(uri)) {
      room.put("db/password", SecretValue.ofUtf8(CANARY));
      room.put(
          "db/app",
          SecretValue.ofUtf8("{\"username\":\"app_a\",\"password\":\"" + CANARY + "-json\"}"));
      room.put("api/token", SecretValue.ofUtf8("token-1"));
    }
  }

  /** Mutable configuration properties over imported secrets: rebound after a rotation. */
  @ConfigurationProperties("db")
  public static class DbProperties {
    private String password;
    private final java.util.concurrent.atomic.AtomicInteger bindings =
        new java.util.concurrent.atomic.AtomicInteger();

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
      bindings.incrementAndGet();
    }
  }

  /** Mutable properties under a prefix no rotation here touches: never rebound. */
  @ConfigurationProperties("api")
  public static class ApiProperties implements org.springframework.beans.factory.InitializingBean {
    private final java.util.concurrent.atomic.AtomicInteger initialisations =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void afterPropertiesSet() {
      initialisations.incrementAndGet();
    }
  }

  /** Constructor-bound (immutable) properties: keep their start-up value. */
  @ConfigurationProperties("db")
  public record FrozenDb(String password) {}

  /**
   * An application with one {@code @Value} field, three configuration-properties beans and an event
   * collector.
   */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(StrongroomAutoConfiguration.class)
  @EnableConfigurationProperties({DbProperties.class, ApiProperties.class, FrozenDb.class})
  static class App {
    @Value("${db.password}")
    String password;

    final List<StrongroomSecretChangedEvent> events = new CopyOnWriteArrayList<>();

    @Bean
    ApplicationListener<StrongroomSecretChangedEvent> collector() {
      return events::add;
    }
  }

  private ConfigurableApplicationContext start(String... args) {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .bannerMode(org.springframework.boot.Banner.Mode.OFF)
        .logStartupInfo(false)
        .run(args);
  }

  private String[] args(String imports, String... more) {
    List<String> all = new java.util.ArrayList<>();
    all.add("--strongroom.uri=" + uri);
    all.add("--strongroom.principal=config-import-test");
    all.add("--strongroom.refresh=200ms");
    all.add("--strongroom.staleness=10s");
    all.add("--spring.config.import=" + imports);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void importedSecrets_arePropertiesNamedAfterThemAndTheirFields() {
    try (ConfigurableApplicationContext context = start(args("strongroom:db/password;db/app"))) {
      var env = context.getEnvironment();
      assertEquals(CANARY, env.getProperty("db.password"));
      assertEquals("app_a", env.getProperty("db.app.username"));
      assertEquals(CANARY + "-json", env.getProperty("db.app.password"));
      assertEquals(CANARY, context.getBean(App.class).password);
      assertNull(env.getProperty("api.token")); // not imported
      // the room that imported them is the application's bean
      Strongroom room = context.getBean(Strongroom.class);
      assertEquals("token-1", room.secret("api/token").copyUtf8String());
      env.getPropertySources()
          .forEach(s -> assertFalse(String.valueOf(s).contains(CANARY), String.valueOf(s)));
    }
  }

  @Test
  void aPrefix_importsEverySecretUnderIt() {
    try (ConfigurableApplicationContext context = start(args("strongroom:db/"))) {
      assertEquals(CANARY, context.getEnvironment().getProperty("db.password"));
      assertEquals("app_a", context.getEnvironment().getProperty("db.app.username"));
    }
  }

  @Test
  void anUnresolvableReference_failsStartupNamingTheSecret() {
    Exception e = assertThrows(Exception.class, () -> start(args("strongroom:db/pasword")));
    String messages = messages(e);
    assertTrue(messages.contains("db/pasword"), messages);
    assertTrue(messages.contains("cannot be found"), messages);
    assertFalse(messages.contains(CANARY));
  }

  @Test
  void anOptionalImport_ofAMissingSecret_starts() {
    try (ConfigurableApplicationContext context =
        start(args("optional:strongroom:db/missing", "--db.password=fallback"))) {
      assertEquals("fallback", context.getEnvironment().getProperty("db.password"));
    }
  }

  @Test
  void thePlaceholderForm_failsStartup_insteadOfResolvingToItsDefaultText() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                start(args("strongroom:db/password", "--app.password=${strongroom:db/password}")));
    String messages = messages(e);
    assertTrue(messages.contains("property 'app.password'"), messages);
    assertTrue(messages.contains("spring.config.import=strongroom:NAME"), messages);
    assertFalse(messages.contains(CANARY));
  }

  @Test
  void aRotatedSecret_reachesTheEnvironment_andPublishesAnEvent() throws Exception {
    try (ConfigurableApplicationContext context = start(args("strongroom:db/password;db/app"));
        Strongroom other = Strongroom.open(uri)) {
      App app = context.getBean(App.class);
      Strongroom room = context.getBean(Strongroom.class);
      assertSame(room, context.getBean("strongroom"));
      other.put("db/password", SecretValue.ofUtf8(CANARY + "-v2"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (app.events.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(CANARY + "-v2", context.getEnvironment().getProperty("db.password"));
      StrongroomSecretChangedEvent event = app.events.get(0);
      assertEquals("db/password", event.secretName());
      assertEquals(2, event.version());
      assertEquals(java.util.Set.of("db.password"), event.propertyNames());
      assertFalse(event.toString().contains(CANARY));
      assertEquals(1, app.events.size());
    }
  }

  @Test
  void aRotatedSecret_rebindsMutableConfigurationProperties_only() throws Exception {
    try (ConfigurableApplicationContext context = start(args("strongroom:db/password;db/app"));
        Strongroom other = Strongroom.open(uri)) {
      DbProperties db = context.getBean(DbProperties.class);
      ApiProperties api = context.getBean(ApiProperties.class);
      FrozenDb frozen = context.getBean(FrozenDb.class);
      assertEquals(CANARY, db.getPassword());
      int apiInitialisations = api.initialisations.get();
      int dbBindings = db.bindings.get();

      other.put("db/password", SecretValue.ofUtf8(CANARY + "-v2"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!(CANARY + "-v2").equals(db.getPassword()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertEquals(CANARY + "-v2", db.getPassword());
      assertEquals(dbBindings + 1, db.bindings.get());
      assertSame(db, context.getBean(DbProperties.class)); // rebound in place
      assertEquals(apiInitialisations, api.initialisations.get());
      assertEquals(CANARY, frozen.password());
    }
  }

  @Test
  void rebinding_canBeTurnedOff() throws Exception {
    try (ConfigurableApplicationContext context =
            start(
                args(
                    "strongroom:db/password",
                    "--strongroom.rebind-configuration-properties=false"));
        Strongroom other = Strongroom.open(uri)) {
      DbProperties db = context.getBean(DbProperties.class);
      App app = context.getBean(App.class);
      other.put("db/password", SecretValue.ofUtf8(CANARY + "-v2"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (app.events.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, app.events.size());
      assertEquals(CANARY + "-v2", context.getEnvironment().getProperty("db.password"));
      assertEquals(CANARY, db.getPassword());
      assertTrue(context.getBeansOfType(ConfigurationPropertiesRebinder.class).isEmpty());
    }
  }

  private static String messages(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return out.toString();
  }
}
