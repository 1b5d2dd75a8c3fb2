package dev.strongroom.spring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Fails start-up when a property uses the placeholder form {@code ${strongroom:NAME}}: Spring reads
 * it as "property {@code strongroom}, default {@code NAME}" and, since nothing defines {@code
 * strongroom}, silently resolves it to the text {@code NAME}. The error names the property (never
 * its value) and says what to write instead. Registered in {@code META-INF/spring.factories};
 * stateless and thread-safe.
 */
public final class PlaceholderGuard implements EnvironmentPostProcessor {
  static final String FORM = "${strongroom:";

  /** For Spring's factory loader. */
  public PlaceholderGuard() {}

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (source instanceof StrongroomPropertySource
          || !(source instanceof EnumerablePropertySource<?> enumerable)) {
        continue;
      }
      for (String name : enumerable.getPropertyNames()) {
        Object raw = enumerable.getProperty(name);
        if (raw instanceof CharSequence text && text.toString().contains(FORM)) {
          throw new IllegalStateException(
              "property '"
                  + name
                  + "' in "
                  + source.getName()
                  + " uses ${strongroom:...}, which Spring resolves to its default text when"
                  + " nothing defines 'strongroom'; import the secret with"
                  + " spring.config.import=strongroom:NAME and refer to it by its property name"
                  + " (secret db/password is ${db.password})");
        }
      }
    }
  }
}
