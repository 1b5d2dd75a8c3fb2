package dev.strongroom.env;

import dev.strongroom.internal.apikey.KeyFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds variables that look like hardcoded secrets: a Strongroom API key (recognised by its format
 * and checksum, so a typo or a lookalike is not reported as one), a known token prefix (AWS,
 * GitHub, Slack, Stripe, Vault, GitLab, npm, Google), a PEM block, a JWT, a URL with a password, a
 * long high-entropy token, or a sensitive name ({@code PASSWORD}, {@code SECRET}, {@code TOKEN},
 * {@code KEY}…) with a literal value. Values that are {@code strongroom:} references are never
 * flagged. Findings name the variable and the rule, never the value.
 *
 * <p>Thread-safe (stateless).
 */
public final class SecretScanner {
  /** Shortest value the entropy rule looks at. */
  static final int ENTROPY_MIN_LENGTH = 20;

  /** Shannon entropy, in bits per character, from which a token counts as random. */
  static final double ENTROPY_THRESHOLD = 3.7;

  /** The lower threshold for hex strings of 32+ characters (at most 4 bits per character). */
  static final double HEX_ENTROPY_THRESHOLD = 3.0;

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{32,}");

  private static final List<Rule> PREFIXES =
      List.of(
          new Rule("AKIA", "AWS access key id"),
          new Rule("ASIA", "AWS temporary access key id"),
          new Rule("ghp_", "GitHub personal access token"),
          new Rule("github_pat_", "GitHub fine-grained token"),
          new Rule("gho_", "GitHub OAuth token"),
          new Rule("ghu_", "GitHub user-to-server token"),
          new Rule("ghs_", "GitHub server-to-server token"),
          new Rule("ghr_", "GitHub refresh token"),
          new Rule("xoxb-", "Slack bot token"),
          new Rule("xoxp-", "Slack user token"),
          new Rule("xoxa-", "Slack app token"),
          new Rule("xapp-", "Slack app-level token"),
          new Rule("sk_live_", "Stripe live secret key"),
          new Rule("rk_live_", "Stripe live restricted key"),
          new Rule("hvs.", "Vault service token"),
          new Rule("hvb.", "Vault batch token"),
          new Rule("glpat-", "GitLab personal access token"),
          new Rule("npm_", "npm access token"),
          new Rule("AIza", "Google API key"),
          new Rule("-----BEGIN", "PEM block (private key or certificate)"));

  private static final Pattern AWS_KEY_ID = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private static final Pattern URL_WITH_PASSWORD =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@.*");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/=_.~-]+");
  private static final Pattern NOT_A_SECRET =
      Pattern.compile("(?i)true|false|yes|no|on|off|none|null|[0-9]+|[0-9]+[smhd]");
  private static final List<String> SENSITIVE_WORDS =
      List.of("PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE", "CREDENTIAL");

  private record Rule(String prefix, String description) {}

  /** Why a variable was flagged. */
  public enum Kind {
    /**
     * The value holds a Strongroom API key ({@code SERVICE_ENV_ID_SECRETCHECK}, see {@link
     * dev.strongroom.apikey}) whose checksum is valid: almost certainly a real key.
     */
    STRONGROOM_API_KEY,
    /** The value starts with a prefix a known service puts on its tokens. */
    KNOWN_TOKEN_PREFIX,
    /** The value has the shape of a JSON Web Token. */
    JWT,
    /** The value is a URL with a password in it. */
    URL_WITH_PASSWORD,
    /** The value is a long token with high Shannon entropy. */
    HIGH_ENTROPY,
    /**
     * The name says secret ({@code PASSWORD}, {@code TOKEN}, {@code KEY}…) and the value is
     * literal.
     */
    SENSITIVE_NAME
  }

  /**
   * A variable that looks like a hardcoded secret: its name, the rule and a description of the
   * rule. Never contains the value. Immutable.
   *
   * @param variable the variable's name
   * @param kind which rule matched
   * @param description a fixed description of the rule (such as "GitHub personal access token")
   */
  public record Finding(String variable, Kind kind, String description) {
    /** Checks the fields. */
    public Finding {
      Objects.requireNonNull(variable, "variable");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(description, "description");
    }
  }

  private SecretScanner() {}

  /** Scans {@code variables}; returns at most one finding per variable, in name order. */
  public static List<Finding> scan(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    List<Finding> findings = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
      Finding finding = check(e.getKey(), e.getValue());
      if (finding != null) {
        findings.add(finding);
      }
    }
    return List.copyOf(findings);
  }

  /** Scans this process's environment variables. */
  public static List<Finding> scanEnvironment() {
    return scan(System.getenv());
  }

  static @Nullable Finding check(String name, String value) {
    if (value == null || value.isBlank() || EnvReferences.isReference(value)) {
      return null;
    }
    String v = value.strip();
    Finding format = checkFormat(name, v);
    if (format != null) {
      return format;
    }
    if (looksRandom(v)) {
      return new Finding(
          name,
          Kind.HIGH_ENTROPY,
          "token of " + ENTROPY_MIN_LENGTH + "+ characters with high entropy");
    }
    if (sensitiveName(name) && !NOT_A_SECRET.matcher(v).matches()) {
      return new Finding(name, Kind.SENSITIVE_NAME, "sensitive name with a literal value");
    }
    return null;
  }

  /**
   * The format rules only (API key, known prefix, JWT, URL with a password), no entropy or name
   * rule: what a file scan applies to every token of a line.
   */
  static @Nullable Finding checkFormat(String name, String v) {
    if (containsApiKey(v)) {
      return new Finding(name, Kind.STRONGROOM_API_KEY, "Strongroom API key (valid checksum)");
    }
    for (Rule rule : PREFIXES) {
      if (v.startsWith(rule.prefix())) {
        boolean aws = rule.prefix().equals("AKIA") || rule.prefix().equals("ASIA");
        if (!aws || AWS_KEY_ID.matcher(v).matches()) {
          return new Finding(name, Kind.KNOWN_TOKEN_PREFIX, rule.description());
        }
      }
    }
    if (JWT.matcher(v).matches()) {
      return new Finding(name, Kind.JWT, "JSON Web Token");
    }
    if (URL_WITH_PASSWORD.matcher(v).matches()) {
      return new Finding(name, Kind.URL_WITH_PASSWORD, "URL with an embedded password");
    }
    return null;
  }

  /** Whether {@code v} contains a token in the API key format whose checksum is valid. */
  static boolean containsApiKey(String v) {
    Matcher m = KeyFormat.PATTERN.matcher(v);
    while (m.find()) {
      if (KeyFormat.isKey(m.group())) {
        return true;
      }
    }
    return false;
  }

  static boolean looksRandom(String v) {
    return v.length() >= ENTROPY_MIN_LENGTH
        && !v.startsWith("/")
        && TOKEN.matcher(v).matches()
        && v.chars().anyMatch(Character::isDigit)
        && v.chars().anyMatch(Character::isLetter)
        && entropy(v) >= (HEX.matcher(v).matches() ? HEX_ENTROPY_THRESHOLD : ENTROPY_THRESHOLD);
  }

  static boolean sensitiveName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (String word : SENSITIVE_WORDS) {
      if (upper.contains(word)) {
        return true;
      }
    }
    for (String part : upper.split("[^A-Z0-9]+")) {
      if (part.endsWith("KEY")) {
        return true;
      }
    }
    return false;
  }

  /** Shannon entropy of {@code s} in bits per character. */
  static double entropy(String s) {
    Map<Integer, Integer> counts = new TreeMap<>();
    s.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
    double n = s.codePointCount(0, s.length());
    double bits = 0;
    for (int count : counts.values()) {
      double p = count / n;
      bits -= p * (Math.log(p) / Math.log(2));
    }
    return bits;
  }
}
