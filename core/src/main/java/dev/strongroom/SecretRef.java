package dev.strongroom;

import dev.strongroom.internal.room.Names;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A reference to a secret: its name, optionally one of its fields, and which version to read,
 * written {@code strongroom:db/password} (CURRENT), {@code strongroom:db/password?version=3},
 * {@code strongroom:db/password?stage=PENDING}, or {@code strongroom:db/creds#password} for the
 * field {@code password} of a secret with named fields (combinable: {@code
 * strongroom:db/creds#password?version=3}). References are not secret and print as they parse.
 *
 * <p>Immutable and thread-safe.
 */
public final class SecretRef {
  /** The scheme of a reference, with its colon. */
  public static final String SCHEME = "strongroom:";

  private final String name;
  private final @Nullable String field;
  private final long version;
  private final Stage stage;

  private SecretRef(String name, @Nullable String field, long version, Stage stage) {
    this.name = Names.check(name);
    this.field = field == null ? null : checkField(field);
    this.version = version;
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  private SecretRef(String name, long version, Stage stage) {
    this(name, null, version, stage);
  }

  /**
   * Checks a field name: 1 to 128 characters, none of them a control character, {@code #} or {@code
   * ?} (which the reference form reserves).
   *
   * @throws IllegalArgumentException naming the problem (a field name is not secret)
   */
  public static String checkField(String field) {
    Objects.requireNonNull(field, "field");
    if (field.isEmpty() || field.length() > 128) {
      throw new IllegalArgumentException(
          "expected a field name of 1 to 128 characters but was " + field.length());
    }
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '#' || c == '?') {
        throw new IllegalArgumentException(
            String.format(
                "expected a field name without control characters, '#' or '?' but found U+%04X"
                    + " at index %d",
                (int) c, i));
      }
    }
    return field;
  }

  /** The same reference narrowed to field {@code field} of the secret. */
  public SecretRef withField(String field) {
    return new SecretRef(name, Objects.requireNonNull(field, "field"), version, stage);
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
   * Parses {@code strongroom:NAME}, optionally followed by {@code #FIELD}, then optionally by
   * {@code ?version=N} or {@code ?stage=CURRENT|PENDING|PREVIOUS} (a {@code #FIELD} after the
   * parameter, as in a URI fragment, is read the same way).
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
    String query = q < 0 ? null : rest.substring(q + 1);
    String field = null;
    int hash = name.indexOf('#');
    if (hash >= 0) {
      field = name.substring(hash + 1);
      name = name.substring(0, hash);
    } else if (query != null && query.indexOf('#') >= 0) {
      field = query.substring(query.indexOf('#') + 1);
      query = query.substring(0, query.indexOf('#'));
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a secret name after 'strongroom:' such as strongroom:db/password");
    }
    if (field != null && field.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a field name after '#' in the reference to secret '"
              + Names.escaped(name)
              + "', such as strongroom:db/creds#password");
    }
    SecretRef parsed = withQuery(name, query);
    return field == null ? parsed : parsed.withField(field);
  }

  private static SecretRef withQuery(String name, @Nullable String query) {
    if (query == null) {
      return of(name);
    }
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

  /** The field this reference names, if it names one field of the secret. */
  public java.util.Optional<String> field() {
    return java.util.Optional.ofNullable(field);
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
        && Objects.equals(((SecretRef) o).field, field)
        && ((SecretRef) o).version == version
        && ((SecretRef) o).stage == stage;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, field, version, stage);
  }

  /** The reference in the form {@link #parse} reads. */
  @Override
  public String toString() {
    String base = SCHEME + name + (field == null ? "" : "#" + field);
    if (version > 0) {
      return base + "?version=" + version;
    }
    return stage == Stage.CURRENT ? base : base + "?stage=" + stage;
  }
}
