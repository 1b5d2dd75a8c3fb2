package dev.strongroom.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Resolves {@code spring.config.import=strongroom:NAME[;NAME...]} (a name ending in {@code /}
 * imports every secret under that prefix) into a resource the {@link StrongroomConfigDataLoader}
 * reads. {@code optional:strongroom:...} tolerates missing secrets. Registered in {@code
 * META-INF/spring.factories}; stateless and thread-safe.
 */
public final class StrongroomConfigDataLocationResolver
    implements ConfigDataLocationResolver<StrongroomConfigDataResource> {
  static final String PREFIX = "strongroom:";

  /** For Spring's factory loader. */
  public StrongroomConfigDataLocationResolver() {}

  @Override
  public boolean isResolvable(
      ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    return location.hasPrefix(PREFIX);
  }

  @Override
  public List<StrongroomConfigDataResource> resolve(
      ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    String spec = location.getNonPrefixedValue(PREFIX);
    List<String> names = new ArrayList<>();
    for (String part : spec.split(";")) {
      String name = part.trim();
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "expected spring.config.import=strongroom:NAME (such as strongroom:db/password) but the"
              + " location '"
              + location
              + "' names no secret");
    }
    Binder binder = context.getBinder();
    StrongroomProperties properties =
        binder.bind("strongroom", StrongroomProperties.class).orElseGet(StrongroomProperties::new);
    return List.of(new StrongroomConfigDataResource(names, properties, location.isOptional()));
  }
}
