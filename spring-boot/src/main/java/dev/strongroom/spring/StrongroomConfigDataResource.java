package dev.strongroom.spring;

import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/**
 * What one {@code strongroom:} import names: secrets, or every secret under a prefix ending in
 * {@code /}. Spring Boot creates it from a {@code spring.config.import} location; users never do
 * (its constructor is package-private). Immutable and thread-safe.
 */
public final class StrongroomConfigDataResource extends ConfigDataResource {
  private final List<String> names;
  private final StrongroomProperties properties;

  StrongroomConfigDataResource(
      List<String> names, StrongroomProperties properties, boolean optional) {
    super(optional);
    this.names = List.copyOf(names);
    this.properties = properties;
  }

  List<String> names() {
    return names;
  }

  StrongroomProperties properties() {
    return properties;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StrongroomConfigDataResource r && r.names.equals(names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(names);
  }

  @Override
  public String toString() {
    return "strongroom secret(s) " + names;
  }
}
