package dev.strongroom.env;

import dev.strongroom.SecretValue;
import dev.strongroom.env.SecretScanner.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds hardcoded secrets in source and configuration files ({@code .env}, {@code .properties},
 * {@code .yml}/{@code .yaml}, {@code .json}, {@code .xml}, {@code .toml}/{@code .ini}/{@code
 * .conf}, shell scripts and source code), with the rules of {@link SecretScanner}: a Strongroom API
 * key with a valid checksum, a known token prefix, a JWT, a URL with a password or a PEM private
 * key anywhere on a line; a high-entropy literal assigned to a name; a sensitive name ({@code
 * password}, {@code secret}, {@code token}, {@code api_key}…) assigned a literal. Placeholders
 * ({@code changeme}, {@code ${VAR}}, {@code <password>}, {@code xxx}, {@code TODO}, empty), values
 * marked {@code EXAMPLE} (such as AWS's documented example key), Stripe test and publishable keys,
 * UUIDs and hex strings (hashes, git SHAs) are not reported, and lock and checksum files ({@code
 * package-lock.json}, {@code go.sum}, {@code *.sha1}…) only by the format rules. Findings give
 * file, line, column, rule and reason, never the value.
 *
 * <p>Bounded: files larger than {@link #maxFileSize()} and files with a NUL byte in their first 8
 * KiB (binaries) are skipped with a note; folders named {@code .git} and what {@code .gitignore}
 * files in the scanned folders exclude are not visited; symbolic links are not followed. Walking a
 * folder, only files of the types above are read; a file named on its own is always read.
 *
 * <p>Immutable and thread-safe.
 */
public final class FileScanner {
  /** The default {@link #maxFileSize()}: 1 MiB. */
  public static final long DEFAULT_MAX_FILE_SIZE = 1 << 20;

  private static final int SNIFF = 8192;

  /** How a file's lines are read, which decides the reference that replaces a finding. */
  public enum Syntax {
    /** {@code KEY=value} lines: {@code .env} files and shell scripts. */
    ENV,
    /** Java properties and the like ({@code .properties}, {@code .ini}, {@code .toml}…). */
    PROPERTIES,
    /** YAML; a finding's key is the dotted path of nested keys. */
    YAML,
    /** JSON: only quoted values are literals. */
    JSON,
    /** XML: elements and attributes. */
    XML,
    /** Source code: only quoted values are literals. */
    SOURCE,
    /** A lock or checksum file: only the format rules apply. */
    LOCK
  }

  /**
   * A hardcoded secret in a file. Never holds the value. Immutable.
   *
   * @param file the file
   * @param line 1-based line
   * @param column 1-based column where the value starts
   * @param kind the rule
   * @param reason a fixed description of the rule
   * @param key the name the value is assigned to (a YAML key as its dotted path), or empty
   * @param suggestedName a secret name for the value: the key in lower case with {@code /} between
   *     its words ({@code DB_PASSWORD} and {@code db.password} give {@code db/password}), or the
   *     file's name and line ({@code app-java/line-12}) when there is no key
   * @param syntax how the file was read
   */
  public record Finding(
      Path file,
      int line,
      int column,
      Kind kind,
      String reason,
      String key,
      String suggestedName,
      Syntax syntax) {
    /** Checks the fields. */
    public Finding {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(suggestedName, "suggestedName");
      Objects.requireNonNull(syntax, "syntax");
    }
  }

  /**
   * A file not scanned, and why (too large, binary, unreadable). Immutable.
   *
   * @param file the file
   * @param reason why it was skipped
   */
  public record Skipped(Path file, String reason) {}

  /**
   * What a scan found. Immutable.
   *
   * @param findings the findings, in walk order (folders sorted by name), then line, then column
   * @param skipped files skipped with a note
   * @param filesScanned files read
   * @param bytesScanned bytes read
   */
  public record Report(
      List<Finding> findings, List<Skipped> skipped, long filesScanned, long bytesScanned) {
    /** Copies the lists. */
    public Report {
      findings = List.copyOf(findings);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Receives each finding with its value, for an import. The value is wiped when the call returns;
   * copy it (such as by storing it) if it must outlive the call.
   */
  @FunctionalInterface
  public interface SecretHandler {
    /** Called once per finding, in report order. */
    void accept(Finding finding, SecretValue value);
  }

  private static final Set<String> LOCK_FILES =
      Set.of(
          "package-lock.json",
          "npm-shrinkwrap.json",
          "yarn.lock",
          "pnpm-lock.yaml",
          "go.sum",
          "cargo.lock",
          "gemfile.lock",
          "poetry.lock",
          "composer.lock",
          "pipfile.lock",
          "gradle.lockfile",
          "flake.lock");
  private static final Set<String> LOCK_EXTENSIONS =
      Set.of("lock", "sha1", "sha256", "sha512", "md5", "asc");
  private static final Set<String> ENV_EXT = Set.of("env", "sh", "bash", "zsh", "ksh");
  private static final Set<String> PROPERTIES_EXT =
      Set.of("properties", "ini", "cfg", "conf", "toml", "tfvars");
  private static final Set<String> SOURCE_EXT =
      Set.of(
          "java", "kt", "kts", "scala", "groovy", "gradle", "py", "js", "mjs", "cjs", "jsx", "ts",
          "tsx", "go", "rb", "php", "cs", "rs", "swift", "tf", "c", "h", "cpp", "hpp");

  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?<![A-Za-z0-9_$.])[\"']?([A-Za-z_][A-Za-z0-9_.-]*)[\"']?\\s*(?::=|=>|=|:)[ \\t]*");
  private static final Pattern LINE_ASSIGNMENT =
      Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.\\-\\[\\]]*)\\s*[=:]\\s*(.*)$");
  private static final Pattern YAML_KEY =
      Pattern.compile("^(\\s*)(?:-\\s+)?[\"']?([A-Za-z_][A-Za-z0-9_.\\-]*)[\"']?\\s*:(?:\\s+|$)");
  private static final Pattern XML_ELEMENT =
      Pattern.compile("<([A-Za-z_][\\w.:-]*)(?:\\s[^>]*)?>([^<]+)</\\1>");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.~+/=-]{20,}");
  private static final Pattern URL_PASSWORD =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@'\"]+:[^/\\s@'\"]+@[^\\s'\"]*");
  private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");
  private static final Pattern PLACEHOLDER =
      Pattern.compile(
          "(?i)change[-_]?me|change[-_]?it|todo|fixme|tbd|x{3,}|\\*+|\\.{3,}|placeholder|dummy"
              + "|example|sample|redacted|none|null|nil|undefined|empty|password|passwd|secret"
              + "|token|your[-_ ].*|.*[-_]here|<[^>]*>|\\$[A-Za-z_]\\w*|%[A-Za-z_]\\w*%"
              + "|[a-z]+\\.[a-z]+\\.[a-z.]+");
  private static final Pattern LONG_RUN_WITH_DIGIT =
      Pattern.compile("(?=[A-Za-z0-9_+/=-]*[0-9])[A-Za-z0-9_+/=-]{20,}");
  private static final Pattern TEST_KEY = Pattern.compile("(?:sk|pk|rk)_test_|pk_live_");
  private static final Pattern UUID =
      Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
  private static final Pattern HASH_FORM =
      Pattern.compile("(?i)(?:sha1|sha256|sha384|sha512|md5)[-:].*|h1:.*");

  private final long maxFileSize;

  private FileScanner(long maxFileSize) {
    this.maxFileSize = maxFileSize;
  }

  /** A scanner with the {@linkplain #DEFAULT_MAX_FILE_SIZE default} file size limit. */
  public static FileScanner create() {
    return new FileScanner(DEFAULT_MAX_FILE_SIZE);
  }

  /** This scanner with another file size limit, in bytes. */
  public FileScanner withMaxFileSize(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException(
          "expected a positive file size limit but was " + bytes + " bytes");
    }
    return new FileScanner(bytes);
  }

  /** The largest file read, in bytes. */
  public long maxFileSize() {
    return maxFileSize;
  }

  /**
   * Scans files and folders.
   *
   * @throws IllegalArgumentException if a path does not exist
   * @throws UncheckedIOException if a folder cannot be listed
   */
  public Report scan(List<Path> paths) {
    return scan(paths, null);
  }

  /** Scans files and folders, lending each finding's value to {@code handler} (may be null). */
  public Report scan(List<Path> paths, @Nullable SecretHandler handler) {
    Objects.requireNonNull(paths, "paths");
    Walk walk = new Walk(handler);
    for (Path path : paths) {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(
            "expected a file or folder but " + path + " does not exist");
      }
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        walk.folder(path, List.of());
      } else {
        walk.file(path);
      }
    }
    return new Report(walk.findings, walk.skipped, walk.files, walk.bytes);
  }

  static @Nullable Syntax syntaxOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    if (LOCK_FILES.contains(name) || LOCK_EXTENSIONS.contains(ext)) {
      return Syntax.LOCK;
    }
    if (name.equals(".env") || name.startsWith(".env.") || ENV_EXT.contains(ext)) {
      return Syntax.ENV;
    }
    if (PROPERTIES_EXT.contains(ext)) {
      return Syntax.PROPERTIES;
    }
    return switch (ext) {
      case "yml", "yaml" -> Syntax.YAML;
      case "json" -> Syntax.JSON;
      case "xml", "pom" -> Syntax.XML;
      default -> SOURCE_EXT.contains(ext) ? Syntax.SOURCE : null;
    };
  }

  private record Ignore(Path base, GitIgnore rules) {}

  private final class Walk {
    final List<Finding> findings = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();
    final @Nullable SecretHandler handler;
    long files;
    long bytes;

    Walk(@Nullable SecretHandler handler) {
      this.handler = handler;
    }

    void folder(Path dir, List<Ignore> inherited) {
      List<Ignore> ignores = inherited;
      Path gitignore = dir.resolve(".gitignore");
      if (Files.isRegularFile(gitignore, LinkOption.NOFOLLOW_LINKS)) {
        try {
          ignores = new ArrayList<>(inherited);
          ignores.add(
              new Ignore(
                  dir, GitIgnore.parse(Files.readAllLines(gitignore, StandardCharsets.UTF_8))));
        } catch (IOException | UncheckedIOException e) {
          skipped.add(new Skipped(gitignore, "unreadable .gitignore"));
        }
      }
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        stream.forEach(children::add);
      } catch (IOException e) {
        skipped.add(new Skipped(dir, "unreadable folder"));
        return;
      }
      children.sort(null);
      for (Path child : children) {
        if (Files.isSymbolicLink(child)) {
          continue;
        }
        boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
        if (directory && child.getFileName().toString().equals(".git")) {
          continue;
        }
        if (ignored(child, directory, ignores)) {
          continue;
        }
        if (directory) {
          folder(child, ignores);
        } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)
            && syntaxOf(child) != null) {
          file(child);
        }
      }
    }

    boolean ignored(Path child, boolean directory, List<Ignore> ignores) {
      boolean result = false;
      for (Ignore ignore : ignores) {
        String relative = ignore.base().relativize(child).toString().replace('\\', '/');
        Boolean verdict = ignore.rules().ignored(relative, directory);
        if (verdict != null) {
          result = verdict;
        }
      }
      return result;
    }

    void file(Path file) {
      byte[] content;
      try {
        long size = Files.size(file);
        if (size > maxFileSize) {
          skipped.add(
              new Skipped(
                  file, "larger than the limit of " + maxFileSize + " bytes (" + size + ")"));
          return;
        }
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        skipped.add(new Skipped(file, "unreadable"));
        return;
      }
      for (int i = 0; i < Math.min(SNIFF, content.length); i++) {
        if (content[i] == 0) {
          skipped.add(new Skipped(file, "binary (NUL byte)"));
          return;
        }
      }
      files++;
      bytes += content.length;
      Syntax syntax = syntaxOf(file);
      new FileLines(
              file,
              syntax == null ? Syntax.SOURCE : syntax,
              new String(content, StandardCharsets.UTF_8),
              this)
          .scan();
    }
  }

  /** The scan of one file's text. */
  private static final class FileLines {
    final Path file;
    final Syntax syntax;
    final String[] lines;
    final Walk walk;
    final List<int[]> yamlPath = new ArrayList<>();
    final List<String> yamlKeys = new ArrayList<>();

    FileLines(Path file, Syntax syntax, String text, Walk walk) {
      this.file = file;
      this.syntax = syntax;
      this.lines = text.split("\r?\n", -1);
      this.walk = walk;
    }

    void scan() {
      for (int i = 0; i < lines.length; i++) {
        scanLine(i);
      }
    }

    void scanLine(int index) {
      String line = lines[index];
      List<int[]> covered = new ArrayList<>();
      Matcher pem = PEM_BEGIN.matcher(line);
      if (line.contains("-----BEGIN") && pem.find()) {
        StringBuilder block = new StringBuilder(line.substring(pem.start()));
        for (int j = index + 1; j < lines.length && j < index + 200; j++) {
          block.append('\n').append(lines[j].strip());
          if (lines[j].contains("-----END")) {
            break;
          }
        }
        report(
            index, pem.start(), "", Kind.KNOWN_TOKEN_PREFIX, "PEM private key", block.toString());
        return;
      }
      if (syntax != Syntax.LOCK) {
        assignments(index, line, covered);
      }
      Matcher url = URL_PASSWORD.matcher(line);
      while (line.contains("://") && url.find()) {
        if (!overlaps(covered, url.start(), url.end()) && !placeholderUrl(url.group())) {
          covered.add(new int[] {url.start(), url.end()});
          report(
              index,
              url.start(),
              "",
              Kind.URL_WITH_PASSWORD,
              "URL with an embedded password",
              url.group());
        }
      }
      Matcher token = TOKEN.matcher(line);
      while (token.find()) {
        if (overlaps(covered, token.start(), token.end())) {
          continue;
        }
        String t = token.group();
        SecretScanner.Finding f = SecretScanner.checkFormat("", t);
        if (f != null && f.kind() != Kind.URL_WITH_PASSWORD && !decoy(t) && plausible(f, t)) {
          report(index, token.start(), "", f.kind(), f.description(), t);
        }
      }
    }

    void assignments(int index, String line, List<int[]> covered) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.startsWith("!") && syntax == Syntax.PROPERTIES) {
        return;
      }
      switch (syntax) {
        case ENV, PROPERTIES -> {
          Matcher m = LINE_ASSIGNMENT.matcher(line);
          if (m.matches()) {
            bare(index, m.group(1), line, m.start(2), covered);
          }
        }
        case YAML -> {
          Matcher m = YAML_KEY.matcher(line);
          if (m.lookingAt()) {
            int indent = m.group(1).length() + (line.strip().startsWith("-") ? 2 : 0);
            while (!yamlPath.isEmpty() && yamlPath.get(yamlPath.size() - 1)[0] >= indent) {
              yamlPath.remove(yamlPath.size() - 1);
              yamlKeys.remove(yamlKeys.size() - 1);
            }
            String key = String.join(".", yamlKeys);
            key = key.isEmpty() ? m.group(2) : key + "." + m.group(2);
            String rest = line.substring(m.end()).strip();
            if (rest.isEmpty() || rest.startsWith("#")) {
              yamlPath.add(new int[] {indent});
              yamlKeys.add(m.group(2));
            } else {
              bare(index, key, line, m.end(), covered);
            }
          }
        }
        case XML -> {
          Matcher m = XML_ELEMENT.matcher(line);
          while (m.find()) {
            literal(index, m.group(1), m.start(2), m.end(2), line, covered);
          }
          generic(index, line, covered);
        }
        default -> generic(index, line, covered);
      }
    }

    /** {@code name = value} where the value runs to the end of the line (env, properties, YAML). */
    void bare(int index, String name, String line, int start, List<int[]> covered) {
      int end = line.length();
      if (start < end && (line.charAt(start) == '"' || line.charAt(start) == '\'')) {
        int close = line.indexOf(line.charAt(start), start + 1);
        if (close > start) {
          literal(index, name, start + 1, close, line, covered);
          return;
        }
      }
      int comment = line.indexOf(" #", start);
      if (comment >= 0) {
        end = comment;
      }
      while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
        end--;
      }
      literal(index, name, start, end, line, covered);
    }

    /** {@code name = "value"} anywhere on a line; only quoted values are literals. */
    void generic(int index, String line, List<int[]> covered) {
      Matcher m = ASSIGNMENT.matcher(line);
      int from = 0;
      while (from < line.length() && m.find(from)) {
        int start = m.end();
        from = start + 1;
        if (start >= line.length()) {
          break;
        }
        char quote = line.charAt(start);
        if (quote != '"' && quote != '\'' && quote != '`') {
          continue;
        }
        int close = line.indexOf(quote, start + 1);
        while (close > 0 && line.charAt(close - 1) == '\\') {
          close = line.indexOf(quote, close + 1);
        }
        if (close < 0) {
          continue;
        }
        literal(index, m.group(1), start + 1, close, line, covered);
        from = close + 1;
      }
    }

    void literal(int index, String name, int start, int end, String line, List<int[]> covered) {
      if (end <= start || overlaps(covered, start, end)) {
        return;
      }
      String value = line.substring(start, end);
      if (placeholder(value) || EnvReferences.isReference(value)) {
        return;
      }
      SecretScanner.Finding f = SecretScanner.checkFormat(name, value);
      if (f != null && (decoy(value) || !plausible(f, value))) {
        return;
      }
      if (f == null
          && SecretScanner.looksRandom(value)
          && !HEX.matcher(value).matches()
          && !HASH_FORM.matcher(value).matches()) {
        f =
            new SecretScanner.Finding(
                name, Kind.HIGH_ENTROPY, "literal of 20+ characters with high entropy");
      }
      if (f == null
          && sensitive(name)
          && value.length() >= 4
          && value.chars().noneMatch(Character::isWhitespace)
          && !value.matches("(?i)true|false|yes|no|on|off|[0-9]+|[0-9]+[smhd]")) {
        f =
            new SecretScanner.Finding(
                name, Kind.SENSITIVE_NAME, "sensitive name with a literal value");
      }
      if (f != null) {
        covered.add(new int[] {start, end});
        report(index, start, name, f.kind(), f.description(), value);
      }
    }

    void report(int index, int start, String name, Kind kind, String reason, String value) {
      String key = safeKey(name);
      Finding finding =
          new Finding(
              file, index + 1, start + 1, kind, reason, key, suggestedName(key, index), syntax);
      walk.findings.add(finding);
      if (walk.handler != null) {
        try (SecretValue secret = SecretValue.ofUtf8(value)) {
          walk.handler.accept(finding, secret);
        }
      }
    }

    String suggestedName(String key, int index) {
      String words = words(key);
      if (words.isEmpty()) {
        words = words(file.getFileName().toString()).replace('/', '-') + "/line-" + (index + 1);
      }
      return words;
    }
  }

  /** {@code DB_PASSWORD}, {@code db.password}, {@code dbPassword} all give {@code db/password}. */
  static String words(String key) {
    String split = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    for (String part : split.split("[^a-z0-9]+")) {
      if (!part.isEmpty()) {
        out.append(out.length() == 0 ? "" : "/").append(part);
      }
    }
    return out.toString();
  }

  /**
   * {@code key}, or empty if it could itself be a secret (a token used as a map key): longer than
   * 100 characters, a run of 20+ token characters with a digit, or a known format.
   */
  static String safeKey(String key) {
    if (key.length() > 100
        || SecretScanner.checkFormat("", key) != null
        || SecretScanner.looksRandom(key)
        || LONG_RUN_WITH_DIGIT.matcher(key).find()) {
      return "";
    }
    return key;
  }

  static boolean sensitive(String name) {
    return !name.isEmpty()
        && SecretScanner.sensitiveName(name)
        && !name.equalsIgnoreCase("key")
        && !name.toLowerCase(Locale.ROOT).endsWith("_id");
  }

  static boolean placeholder(String value) {
    String v = value.strip();
    return v.isEmpty()
        || v.contains("${")
        || v.contains("{{")
        || v.contains("#{")
        || v.contains("%(")
        || v.contains("EXAMPLE")
        || TEST_KEY.matcher(v).lookingAt()
        || v.chars().distinct().count() == 1
        || PLACEHOLDER.matcher(v).matches()
        || UUID.matcher(v).matches();
  }

  /** A value the format rules match but which is documented as an example, or a hash. */
  static boolean decoy(String value) {
    return value.contains("EXAMPLE") || value.contains("example") || UUID.matcher(value).find();
  }

  private static boolean placeholderUrl(String url) {
    int at = url.lastIndexOf('@');
    int colon = url.lastIndexOf(':', at);
    return placeholder(url.substring(colon + 1, at));
  }

  /** A known prefix followed by a token that could be random (16+ characters with a digit). */
  static boolean plausible(SecretScanner.Finding f, String token) {
    if (f.kind() != Kind.KNOWN_TOKEN_PREFIX) {
      return true;
    }
    return token.length() >= 20 && token.chars().anyMatch(Character::isDigit);
  }

  private static boolean overlaps(List<int[]> ranges, int start, int end) {
    for (int[] r : ranges) {
      if (start < r[1] && r[0] < end) {
        return true;
      }
    }
    return false;
  }
}
