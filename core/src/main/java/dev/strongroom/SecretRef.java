package dev.strongroom;

import dev.strongroom.internal.room.Names;
import java.util.Locale;
import java.util.Objects;

/**
 * A reference to a secret: its name and which version to read, written {@code
 * strongroom:db/password} (CURRENT), {@code strongroom:db/password?version=3} or {@code
 * strongroom:db/password?stage=PENDING}. References are not secret and print as they parse.
 *
 * <p>Immutable and thread-safe.
 */
public final class SecretRef {
  /** The scheme of a reference, with its colon. */
  public static final String SCHEME = "strongroom:";

  private final String name;
  private final long version;
  private final Stage stage;

  private SecretRef(String name, long version, Stage stage) {
    this.name = Names.check(name);
    this.version = version;
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  /** The CURRENT version of {@code name}. */
  public static SecretRef of(String name) {
    return new SecretRef(name, 0, Stage.CURRENT);
  }

  /** Version {@code version} (from 1) of {@code name}. */
  public static SecretRef ofVersion(String name, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("expected a version >= 1 but was " + version);
    }
    return new SecretRef(name, version, Stage.CURRENT);
  }

  /** The version of {@code name} labelled {@code stage}. */
  public static SecretRef ofStage(String name, Stage stage) {
    return new SecretRef(name, 0, stage);
  }

  /**
   * Parses {@code strongroom:NAME}, optionally followed by {@code ?version=N} or {@code
   * ?stage=CURRENT|PENDING|PREVIOUS}.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing parameter values)
   */
  public static SecretRef parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith(SCHEME)) {
      throw new IllegalArgumentException(
          "expected a reference starting with 'strongroom:' such as strongroom:db/password");
    }
    String rest = text.substring(SCHEME.length());
    int q = rest.indexOf('?');
    String name = q < 0 ? rest : rest.substring(0, q);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a secret name after 'strongroom:' such as strongroom:db/password");
    }
    if (q < 0) {
      return of(name);
    }
    String query = rest.substring(q + 1);
    int eq = query.indexOf('=');
    if (eq < 0 || query.indexOf('&') >= 0) {
      throw new IllegalArgumentException(
          "expected one parameter, ?version=N or ?stage=STAGE, after the name of secret '"
              + name
              + "'");
    }
    String key = query.substring(0, eq);
    String value = query.substring(eq + 1);
    switch (key) {
      case "version":
        return ofVersion(name, parseVersion(name, value));
      case "stage":
        return ofStage(name, parseStage(name, value));
      default:
        throw new IllegalArgumentException(
            "expected ?version=N or ?stage=STAGE in the reference to secret '"
                + name
                + "' but the parameter was '"
                + (key.matches("[A-Za-z0-9_-]{1,32}") ? key : "?")
                + "'");
    }
  }

  private static long parseVersion(String name, String value) {
    if (!value.matches("[1-9][0-9]{0,17}")) {
      throw new IllegalArgumentException(
          "expected a version number >= 1 in the reference to secret '" + name + "'");
    }
    return Long.parseLong(value);
  }

  private static Stage parseStage(String name, String value) {
    for (Stage stage : Stage.values()) {
      if (stage.name().equals(value.toUpperCase(Locale.ROOT))) {
        return stage;
      }
    }
    throw new IllegalArgumentException(
        "expected stage CURRENT, PENDING or PREVIOUS in the reference to secret '" + name + "'");
  }

  /** The secret's name. */
  public String name() {
    return name;
  }

  /** The version number, or 0 if the reference selects by {@link #stage()}. */
  public long version() {
    return version;
  }

  /** The stage selected when {@link #version()} is 0. */
  public Stage stage() {
    return stage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRef
        && ((SecretRef) o).name.equals(name)
        && ((SecretRef) o).version == version
        && ((SecretRef) o).stage == stage;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, stage);
  }

  /** The reference in the form {@link #parse} reads. */
  @Override
  public String toString() {
    if (version > 0) {
      return SCHEME + name + "?version=" + version;
    }
    return stage == Stage.CURRENT ? SCHEME + name : SCHEME + name + "?stage=" + stage;
  }
}
