package dev.strongroom.internal.room;

import java.util.Objects;
import java.util.regex.Pattern;

/** Checks secret names. Stateless and thread-safe. Not for public use. */
public final class Names {
  /** The longest name accepted, in characters. */
  public static final int MAX_LENGTH = 512;

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

  private Names() {}

  /**
   * Returns {@code name} if it is a valid secret name: 1 to 512 characters of {@code A-Z a-z 0-9 .
   * _ -} in segments separated by single {@code /}, no segment {@code .} or {@code ..}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "expected a secret name of 1 to " + MAX_LENGTH + " characters but was " + name.length());
    }
    for (String segment : name.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "expected a secret name of '/'-separated segments of [A-Za-z0-9._-] but was '"
                + printable(name)
                + "'");
      }
    }
    return name;
  }

  /** Checks a listing prefix: empty, or a name prefix (it may end with {@code /}). */
  public static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      return prefix;
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
