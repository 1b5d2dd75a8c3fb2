package dev.strongroom.env;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of one {@code .gitignore} file: blank lines and {@code #} comments skipped, {@code !}
 * negates, a trailing {@code /} matches directories only, a pattern with a {@code /} elsewhere is
 * anchored to the file's folder, otherwise it matches a name at any depth; {@code *}, {@code ?},
 * {@code **} and {@code [...]} as git reads them. Immutable and thread-safe.
 */
final class GitIgnore {
  private record Rule(Pattern pattern, boolean negated, boolean dirOnly) {}

  private final List<Rule> rules;

  private GitIgnore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  static GitIgnore parse(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.stripTrailing();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      if (negated || line.startsWith("\\")) {
        line = line.substring(1);
      }
      boolean dirOnly = line.endsWith("/");
      if (dirOnly) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      boolean anchored = line.contains("/");
      if (line.startsWith("/")) {
        line = line.substring(1);
      }
      String regex = (anchored ? "" : "(?:.*/)?") + glob(line);
      rules.add(new Rule(Pattern.compile(regex), negated, dirOnly));
    }
    return new GitIgnore(rules);
  }

  /**
   * Whether {@code relative} (with {@code /} separators, relative to this file's folder) is
   * ignored; {@code null} when no rule speaks about it (the last matching rule wins).
   */
  @Nullable Boolean ignored(String relative, boolean directory) {
    @Nullable Boolean result = null;
    for (Rule rule : rules) {
      if ((!rule.dirOnly() || directory) && rule.pattern().matcher(relative).matches()) {
        result = !rule.negated();
      }
    }
    return result;
  }

  static String glob(String glob) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
            i++;
            out.append("(?:.*/)?");
          } else {
            out.append(".*");
          }
        } else {
          out.append("[^/]*");
        }
      } else if (c == '?') {
        out.append("[^/]");
      } else if (c == '[') {
        int end = glob.indexOf(']', i + 1);
        if (end < 0) {
          out.append("\\[");
        } else {
          String set = glob.substring(i + 1, end).replace("\\", "\\\\");
          if (set.startsWith("!")) {
            set = "^" + set.substring(1);
          }
          out.append('[').append(set).append(']');
          i = end;
        }
      } else if (c == '\\' && i + 1 < glob.length()) {
        out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else {
        out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }
}
