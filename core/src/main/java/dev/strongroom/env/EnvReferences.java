package dev.strongroom.env;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Resolves references of the form {@code strongroom:NAME}, {@code strongroom:NAME?version=N} or
 * {@code strongroom:NAME?stage=S}, each optionally naming one field ({@code
 * strongroom:db/creds#password}), found in environment variables and system properties, so that
 * {@code DB_PASSWORD=strongroom:db/password} replaces a hardcoded password one line at a time.
 * Resolution goes through a lookup function the caller passes (the facade passes its secret
 * lookup), which receives the whole reference string.
 *
 * <p>Thread-safe (stateless). Messages name the variable, never its value.
 */
public final class EnvReferences {
  /** The prefix that marks a value as a reference. */
  public static final String PREFIX = "strongroom:";

  private EnvReferences() {}

  /** Whether {@code value} is meant as a reference (starts with {@code strongroom:}). */
  public static boolean isReference(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /**
   * Whether {@code value} is a well-formed reference, exactly as {@link SecretRef#parse} reads it:
   * a secret name (the one name alphabet), optionally {@code #FIELD} for one field of a secret with
   * named fields, optionally {@code ?version=} a positive number or {@code ?stage=} one of {@link
   * Stage}'s names (any case). Example: {@code strongroom:db/creds#password}.
   */
  public static boolean isValid(String value) {
    if (!isReference(value)) {
      return false;
    }
    try {
      SecretRef.parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Resolves every entry of {@code variables} whose value is a reference, in name order, and
   * returns the resolved secrets by variable name. Entries that are not references are ignored. If
   * a reference is malformed or a lookup fails, the secrets resolved so far are wiped.
   *
   * @param lookup receives the reference string (such as {@code strongroom:db/password?stage=
   *     PREVIOUS}) and returns the secret; what it throws (such as {@link
   *     dev.strongroom.exception.NotFoundException}) propagates
   * @throws IllegalArgumentException if a value starts with {@code strongroom:} but is malformed
   */
  public static Map<String, SecretValue> resolve(
      Map<String, String> variables, Function<String, SecretValue> lookup) {
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(lookup, "lookup");
    Map<String, SecretValue> resolved = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
        if (!isReference(e.getValue())) {
          continue;
        }
        if (!isValid(e.getValue())) {
          throw new IllegalArgumentException(
              "variable "
                  + e.getKey()
                  + " holds a malformed reference; expected "
                  + "strongroom:NAME, strongroom:NAME#FIELD, strongroom:NAME?version=N or"
                  + " strongroom:NAME?stage=S");
        }
        SecretValue value = lookup.apply(e.getValue());
        if (value == null) {
          throw new NullPointerException("lookup returned null for variable " + e.getKey());
        }
        resolved.put(e.getKey(), value);
      }
    } catch (RuntimeException e) {
      resolved.values().forEach(SecretValue::wipe);
      throw e;
    }
    return Collections.unmodifiableMap(resolved);
  }

  /**
   * Resolves the references in this process's environment variables and system properties (a system
   * property wins over an environment variable of the same name).
   *
   * @see #resolve(Map, Function)
   */
  public static Map<String, SecretValue> resolveSystem(Function<String, SecretValue> lookup) {
    return resolve(systemVariables(System.getenv(), System.getProperties()), lookup);
  }

  static Map<String, String> systemVariables(Map<String, String> env, Properties properties) {
    Map<String, String> all = new TreeMap<>(env);
    for (String name : properties.stringPropertyNames()) {
      all.put(name, properties.getProperty(name));
    }
    return all;
  }
}
