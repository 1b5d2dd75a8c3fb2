package dev.strongroom.internal.room;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A path pattern: {@code *} matches within one segment, {@code **} across segments, {@code ?} one
 * character other than {@code /}; everything else matches itself. Immutable and thread-safe. Not
 * for public use.
 */
public final class Glob {
  private final String pattern;
  private final Pattern regex;

  private Glob(String pattern) {
    this.pattern = pattern;
    this.regex = Pattern.compile(toRegex(pattern));
  }

  /** Compiles {@code pattern}. */
  public static Glob compile(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("expected a non-empty path pattern");
    }
    return new Glob(pattern);
  }

  /** Whether {@code path} matches. */
  public boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  @Override
  public String toString() {
    return pattern;
  }

  private static String toRegex(String glob) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        out.append(".*");
        i++;
      } else if (c == '*') {
        out.append("[^/]*");
      } else if (c == '?') {
        out.append("[^/]");
      } else {
        out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }
}
