package dev.strongroom.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * Secrets as Spring properties, named after the secrets: secret {@code db/password} is property
 * {@code db.password}; a secret holding a JSON object also gives one property per top-level text
 * field ({@code db/app} with {@code {"username": .., "password": ..}} gives {@code db.app.username}
 * and {@code db.app.password}). Updated in place when a secret rotates ({@link #update}), only ever
 * to a newer version.
 *
 * <p>Thread-safe. Values live in memory as {@code String}s, as every Spring property does; {@link
 * #toString()} names the secrets only.
 */
public final class StrongroomPropertySource extends EnumerablePropertySource<Map<String, Object>> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> propertiesBySecret = new ConcurrentHashMap<>();

  StrongroomPropertySource(String name) {
    super(name, new ConcurrentHashMap<>());
  }

  /** The property name for secret {@code secretName}: its slashes become dots. */
  static String propertyName(String secretName) {
    return secretName.replace('/', '.');
  }

  /**
   * Sets the properties of {@code secretName} from {@code value} at {@code version}, unless a
   * version at least as new is already there.
   *
   * @return whether anything changed
   */
  synchronized boolean update(String secretName, long version, SecretValue value) {
    Long known = versions.get(secretName);
    if (known != null && known >= version) {
      return false;
    }
    Map<String, Object> fresh = properties(secretName, value);
    Set<String> old = propertiesBySecret.getOrDefault(secretName, Set.of());
    for (String name : fresh.keySet()) {
      Object clash = getSource().get(name);
      if (clash != null && !old.contains(name)) {
        throw new IllegalStateException(
            "property '"
                + name
                + "' from secret '"
                + secretName
                + "' is already given by another imported secret; rename one of them");
      }
    }
    old.forEach(getSource()::remove);
    getSource().putAll(fresh);
    propertiesBySecret.put(secretName, Set.copyOf(fresh.keySet()));
    versions.put(secretName, version);
    return true;
  }

  /** The secrets this source holds. */
  List<String> secrets() {
    return List.copyOf(versions.keySet());
  }

  /** The version of {@code secretName} held, or 0. */
  long version(String secretName) {
    return versions.getOrDefault(secretName, 0L);
  }

  /** The properties {@code secretName} gives. */
  Set<String> propertiesOf(String secretName) {
    return propertiesBySecret.getOrDefault(secretName, Set.of());
  }

  private static Map<String, Object> properties(String secretName, SecretValue value) {
    String base = propertyName(secretName);
    Map<String, Object> out = new LinkedHashMap<>();
    String text = value.copyUtf8String();
    out.put(base, text);
    if (text.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(text);
        if (node != null && node.isObject()) {
          for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getValue().isTextual()) {
              out.put(base + "." + field.getKey(), field.getValue().asText());
            }
          }
        }
      } catch (IOException e) {
        // not JSON: the whole value is the property
      }
    }
    return out;
  }

  @Override
  public String[] getPropertyNames() {
    return getSource().keySet().toArray(String[]::new);
  }

  @Override
  public Object getProperty(String name) {
    return getSource().get(name);
  }

  @Override
  public String toString() {
    return "StrongroomPropertySource[" + getName() + ", secrets=" + versions.keySet() + "]";
  }
}
