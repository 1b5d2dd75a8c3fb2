package dev.strongroom.file.internal;

import dev.strongroom.exception.AccessDeniedException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A parsed {@code file:} store URI: {@code file:///abs/path}, {@code file:relative/path} or {@code
 * file:./path}, with options in the query: {@code passphraseEnv} (default {@code
 * STRONGROOM_PASSPHRASE}), {@code masterKeyEnv} (default {@code STRONGROOM_MASTER_KEY}), {@code
 * masterKeyFile} (a file holding the base64 key), {@code create=true} and {@code
 * trust_permissions=true} (skip the ownership and permission checks; links are refused anyway). The
 * URI never carries a secret itself. Immutable.
 *
 * @param path the store folder
 * @param options the query options
 */
public record FileUri(Path path, Map<String, String> options) {
  /** The passphrase variable unless {@code passphraseEnv} names another. */
  public static final String PASSPHRASE_ENV = "STRONGROOM_PASSPHRASE";

  /** The master key variable unless {@code masterKeyEnv} names another. */
  public static final String MASTER_KEY_ENV = "STRONGROOM_MASTER_KEY";

  private static final Set<String> KNOWN =
      Set.of("passphraseEnv", "masterKeyEnv", "masterKeyFile", "create", "trust_permissions");

  /** Copies the options. */
  public FileUri {
    options = Map.copyOf(options);
  }

  /** Parses {@code uri}; the message of a failure names the problem, never a value. */
  public static FileUri parse(URI uri) {
    if (!"file".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected a file: URI but the scheme was " + uri.getScheme());
    }
    String ssp = uri.getRawSchemeSpecificPart();
    String query = null;
    int q = ssp.indexOf('?');
    if (q >= 0) {
      query = ssp.substring(q + 1);
      ssp = ssp.substring(0, q);
    } else if (uri.getRawQuery() != null) {
      query = uri.getRawQuery();
    }
    if (ssp.startsWith("//")) {
      int slash = ssp.indexOf('/', 2);
      String authority = slash < 0 ? ssp.substring(2) : ssp.substring(2, slash);
      if (!authority.isEmpty() && !authority.equals("localhost")) {
        throw new IllegalArgumentException("expected a local file: URI but it names a host");
      }
      ssp = slash < 0 ? "/" : ssp.substring(slash);
    }
    String pathText = URLDecoder.decode(ssp.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (pathText.isEmpty()) {
      throw new IllegalArgumentException("expected a folder in the file: URI but it has none");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (!KNOWN.contains(key)) {
          throw new IllegalArgumentException(
              "expected file: options among "
                  + new java.util.TreeSet<>(KNOWN)
                  + " but got '"
                  + key
                  + "'");
        }
        options.put(key, value);
      }
    }
    return new FileUri(Path.of(pathText), options);
  }

  /**
   * Whether the URI sets {@code trust_permissions=true}: open the store even if its files are owned
   * by another user or writable by group or others.
   */
  public boolean trustPermissions() {
    return "true".equalsIgnoreCase(options.getOrDefault("trust_permissions", "false"));
  }

  /** Whether the URI asks to create a missing store. */
  public boolean create() {
    return "true".equalsIgnoreCase(options.getOrDefault("create", "false"));
  }

  /**
   * The credentials named by the options, looked up in {@code env}: a master key file, else the
   * master key variable, else the passphrase variable.
   *
   * @throws AccessDeniedException if none is set
   */
  public Credentials credentials(UnaryOperator<String> env) {
    String keyFile = options.get("masterKeyFile");
    if (keyFile != null) {
      Path file = Path.of(keyFile);
      if (!Files.isReadable(file)) {
        throw new AccessDeniedException("cannot read master key file " + file);
      }
      byte[] bytes;
      try {
        if (Files.size(file) > 4096) {
          throw new IllegalArgumentException("expected a master key file of at most 4096 bytes");
        }
        bytes = Files.readAllBytes(file);
      } catch (java.io.IOException e) {
        throw new AccessDeniedException("cannot read master key file " + file, e);
      }
      try {
        return Credentials.masterKeyBase64(new String(bytes, StandardCharsets.US_ASCII));
      } finally {
        java.util.Arrays.fill(bytes, (byte) 0);
      }
    }
    String keyEnv = options.getOrDefault("masterKeyEnv", MASTER_KEY_ENV);
    String key = env.apply(keyEnv);
    if (key != null && !key.isBlank()) {
      try {
        return Credentials.masterKeyBase64(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(keyEnv + ": " + e.getMessage());
      }
    }
    String passEnv = options.getOrDefault("passphraseEnv", PASSPHRASE_ENV);
    String passphrase = env.apply(passEnv);
    if (passphrase != null && !passphrase.isEmpty()) {
      return Credentials.passphrase(passphrase.toCharArray());
    }
    throw new AccessDeniedException(
        "no passphrase or master key: set " + passEnv + " or " + keyEnv);
  }
}
