package dev.strongroom.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.spring.quickstart.DbCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The README's Spring Boot quick start, run: its {@code application.yml} (with the test store's URI
 * in place of the example one) and its {@code @ConfigurationProperties} class, which must be {@link
 * DbCredentials} verbatim. A rotation reaches the bound class without a restart.
 */
class SpringQuickStartTest {
  @TempDir Path dir;

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(StrongroomAutoConfiguration.class)
  @EnableConfigurationProperties(DbCredentials.class)
  static class App {}

  @Test
  void readmeQuickStart_startsBindsAndRebinds() throws Exception {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String yaml = block(readme, "yaml", "spring:\n  config:\n    import:");
    Matcher uri = Pattern.compile("uri: \"(file:[^\"]+)\"").matcher(yaml);
    assertTrue(uri.find(), "the quick start's strongroom.uri line moved:\n" + yaml);
    String store = Stores.fileStore(dir);
    Path config = dir.resolve("application.yml");
    Files.writeString(config, yaml.replace(uri.group(1), store));
    try (Strongroom room = Strongroom.open(store)) {
      room.put("db/app", SecretValue.ofUtf8("{\"username\":\"orders\",\"password\":\"pw-1\"}"));
    }

    try (ConfigurableApplicationContext context =
            new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .bannerMode(org.springframework.boot.Banner.Mode.OFF)
                .logStartupInfo(false)
                // the README's 30 s poll, shortened so the test need not wait for it
                .run("--spring.config.location=file:" + config, "--strongroom.refresh=200ms");
        Strongroom other = Strongroom.open(store)) {
      DbCredentials db = context.getBean(DbCredentials.class);
      assertEquals("orders", db.getUsername());
      assertEquals("pw-1", db.getPassword());

      other.put("db/app", SecretValue.ofUtf8("{\"username\":\"orders\",\"password\":\"pw-2\"}"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!"pw-2".equals(db.getPassword()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals("pw-2", db.getPassword());
    }
  }

  @Test
  void readmeQuickStart_classIsTheTestedOne() throws Exception {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/strongroom/spring/quickstart/DbCredentials.java"),
            StandardCharsets.UTF_8);
    String begin = "// --- README Spring quick start: begin ---\n";
    String snippet =
        source.substring(
            source.indexOf(begin) + begin.length(),
            source.indexOf("// --- README Spring quick start: end ---"));
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertTrue(snippet.length() > 100, "the snippet markers moved");
    assertTrue(
        readme.contains("```java\n" + snippet + "```"),
        "README.md's Spring quick start differs from DbCredentials; copy it over");
  }

  private static String block(String readme, String language, String start) {
    int at = readme.indexOf("```" + language + "\n" + start);
    assertTrue(at >= 0, "no ```" + language + " block starting with " + start);
    int from = at + 4 + language.length();
    return readme.substring(from, readme.indexOf("```", from));
  }
}
