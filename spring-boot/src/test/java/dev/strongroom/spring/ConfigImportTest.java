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

  /** An application with one {@code @Value} field and an event collector. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(StrongroomAutoConfiguration.class)
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

  private static String messages(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return out.toString();
  }
}
