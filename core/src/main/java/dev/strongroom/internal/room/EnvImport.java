package dev.strongroom.internal.room;

import dev.strongroom.env.EnvFile;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps an env file's entries to secret names for the room's {@code importEnv}: {@code DB_PASSWORD}
 * becomes {@code db/password} (runs of {@code _} count once, leading and trailing ones are
 * dropped), after a prefix. Every name is validated (through {@code check}, which resolves it into
 * the view's namespace) and collisions are refused before anything is written; messages name keys
 * and lines, never values.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class EnvImport {
  private EnvImport() {}

  /** Checks an import prefix: empty, or a name prefix ending with {@code /}. */
  public static String checkPrefix(String prefix) {
    if (!prefix.isEmpty()) {
      if (!prefix.endsWith("/")) {
        throw new IllegalArgumentException(
            "expected an empty prefix or one ending with '/' such as legacy/ but it did not end"
                + " with '/'");
      }
      Names.checkPrefix(prefix);
    }
    return prefix;
  }

  /**
   * The entries of {@code env} by secret name, in file order.
   *
   * @param check validates a relative name; throws if it is invalid
   */
  public static Map<String, EnvFile.Entry> plan(
      EnvFile env, String prefix, java.util.function.Consumer<String> check) {
    Map<String, EnvFile.Entry> byName = new LinkedHashMap<>();
    for (EnvFile.Entry entry : env.entries()) {
      String name = prefix + secretName(entry);
      check.accept(name);
      EnvFile.Entry previous = byName.putIfAbsent(name, entry);
      if (previous != null) {
        throw new IllegalArgumentException(
            "expected each variable to map to its own secret but "
                + previous.key()
                + " (line "
                + previous.line()
                + ") and "
                + entry.key()
                + " (line "
                + entry.line()
                + ") both map to '"
                + name
                + "'");
      }
    }
    return byName;
  }

  private static String secretName(EnvFile.Entry entry) {
    StringBuilder name = new StringBuilder();
    for (String part : entry.key().toLowerCase(Locale.ROOT).split("_+")) {
      if (!part.isEmpty()) {
        name.append(name.length() == 0 ? "" : "/").append(part);
      }
    }
    if (name.length() == 0) {
      throw new IllegalArgumentException(
          "expected variable "
              + entry.key()
              + " (line "
              + entry.line()
              + ") to hold a letter or digit to name a secret after");
    }
    return name.toString();
  }
}
