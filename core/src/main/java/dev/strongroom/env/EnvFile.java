package dev.strongroom.env;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entries of an env file ({@code .env}), in file order, for import into a backend.
 *
 * <p>Syntax: one {@code KEY=value} per line, optionally prefixed by {@code export}; blank lines and
 * lines starting with {@code #} are skipped; whitespace around the key and {@code =} is ignored. A
 * value is unquoted (trimmed, ending before a {@code #} that follows whitespace), single-quoted
 * (literal) or double-quoted (escapes {@code \n \r \t \" \\ \$}; any other backslash is kept).
 * Quoted values may span lines (PEM keys); after the closing quote only a comment may follow.
 * Errors name the line number and the reason, never the value.
 *
 * <p>Immutable and thread-safe; the entries' values are {@link SecretValue}s the caller should wipe
 * when done ({@link #wipe()}). Values pass through transient {@code String}s while parsing.
 */
public final class EnvFile {
  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*(.*)$", Pattern.DOTALL);

  private final List<Entry> entries;

  private EnvFile(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** One {@code KEY=value} of an env file. Immutable; prints the key and line only. */
  public static final class Entry {
    private final String key;
    private final SecretValue value;
    private final int line;

    private Entry(String key, SecretValue value, int line) {
      this.key = key;
      this.value = value;
      this.line = line;
    }

    /** The variable name. */
    public String key() {
      return key;
    }

    /** The value, as a secret. */
    public SecretValue value() {
      return value;
    }

    /** The 1-based line the entry starts on. */
    public int line() {
      return line;
    }

    @Override
    public String toString() {
      return "Entry[" + key + ", line " + line + "]";
    }
  }

  /**
   * Parses the UTF-8 file at {@code path}.
   *
   * @throws NotFoundException if there is no such file
   * @throws IllegalArgumentException if lines are malformed (all are listed, by number and reason)
   */
  public static EnvFile parse(Path path) {
    Objects.requireNonNull(path, "path");
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return parse(reader);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no env file at " + path, e);
    } catch (IOException e) {
      throw new StrongroomException("could not read env file " + path, e);
    }
  }

  /**
   * Parses env-file text from {@code reader} (which the caller closes).
   *
   * @throws IllegalArgumentException if lines are malformed (all are listed, by number and reason)
   * @throws StrongroomException if reading fails
   */
  public static EnvFile parse(Reader reader) {
    Objects.requireNonNull(reader, "reader");
    List<String> lines;
    try {
      lines = new BufferedReader(reader).lines().toList();
    } catch (java.io.UncheckedIOException e) {
      throw new StrongroomException("could not read env file", e);
    }
    List<Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      int lineNo = i + 1;
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      i++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Matcher m = ASSIGNMENT.matcher(line);
      if (!m.matches()) {
        problems.add("line " + lineNo + ": expected KEY=value");
        continue;
      }
      String key = m.group(1);
      String rest = m.group(2);
      if (rest.startsWith("'") || rest.startsWith("\"")) {
        char quote = rest.charAt(0);
        StringBuilder text = new StringBuilder(rest.substring(1));
        int close;
        while ((close = closingQuote(text, quote)) < 0 && i < lines.size()) {
          text.append('\n').append(lines.get(i++));
        }
        if (close < 0) {
          problems.add("line " + lineNo + ": " + key + " has an unterminated " + name(quote));
          continue;
        }
        String after = text.substring(close + 1).strip();
        if (!after.isEmpty() && !after.startsWith("#")) {
          problems.add(
              "line " + lineNo + ": " + key + " has text after the closing " + name(quote));
          continue;
        }
        String body = text.substring(0, close);
        entries.add(new Entry(key, secret(quote == '"' ? unescape(body) : body), lineNo));
      } else {
        entries.add(new Entry(key, secret(unquoted(rest)), lineNo));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("malformed env file: " + String.join("; ", problems));
    }
    return new EnvFile(entries);
  }

  /** The entries in file order (a key may repeat; the last one wins when loaded). */
  public List<Entry> entries() {
    return entries;
  }

  /** Wipes every entry's value. */
  public void wipe() {
    entries.forEach(e -> e.value().wipe());
  }

  @Override
  public String toString() {
    return "EnvFile" + entries.stream().map(Entry::key).toList();
  }

  private static String name(char quote) {
    return quote == '"' ? "double quote" : "single quote";
  }

  private static int closingQuote(CharSequence text, char quote) {
    for (int j = 0; j < text.length(); j++) {
      char c = text.charAt(j);
      if (quote == '"' && c == '\\') {
        j++;
      } else if (c == quote) {
        return j;
      }
    }
    return -1;
  }

  private static String unescape(String body) {
    StringBuilder out = new StringBuilder(body.length());
    for (int j = 0; j < body.length(); j++) {
      char c = body.charAt(j);
      if (c != '\\' || j + 1 == body.length()) {
        out.append(c);
        continue;
      }
      char next = body.charAt(++j);
      switch (next) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case '"', '\\', '$' -> out.append(next);
        default -> out.append('\\').append(next);
      }
    }
    return out.toString();
  }

  private static String unquoted(String rest) {
    int end = rest.length();
    for (int j = 1; j < rest.length(); j++) {
      if (rest.charAt(j) == '#' && Character.isWhitespace(rest.charAt(j - 1))) {
        end = j;
        break;
      }
    }
    if (rest.startsWith("#")) {
      end = 0;
    }
    return rest.substring(0, end).strip();
  }

  private static SecretValue secret(String text) {
    char[] chars = text.toCharArray();
    try {
      return SecretValue.of(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }
}
