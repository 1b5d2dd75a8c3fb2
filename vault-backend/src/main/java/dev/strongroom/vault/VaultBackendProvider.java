package dev.strongroom.vault;

import dev.strongroom.SecretValue;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;
import dev.strongroom.vault.internal.VaultBackend;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Opens Vault / OpenBao backends for the URI scheme {@code vault}:
 *
 * <pre>
 * vault://HOST[:PORT][?PARAM=VALUE&amp;...]
 * </pre>
 *
 * <p>The port defaults to 8200. Parameters (unknown ones are refused):
 *
 * <ul>
 *   <li>{@code tls} — {@code true} (default, https) or {@code false} (http, accepted for a loopback
 *       host only unless {@code insecure_http=true}); {@code ca_file} — a PEM CA bundle to trust
 *       instead of the JDK's trust store;
 *   <li>{@code max_response_bytes} — the largest response body read (default 32 MiB; suffixes
 *       {@code k} and {@code m} for KiB and MiB);
 *   <li>{@code namespace} — sent as {@code X-Vault-Namespace};
 *   <li>{@code kv} (default {@code secret}), {@code transit} (default {@code transit}) — mounts;
 *   <li>{@code timeout} (per request, default {@code 10s}), {@code deadline} (per call including
 *       retries, default {@code 30s}), {@code attempts} (default 4) — durations as {@code 500ms},
 *       {@code 10s}, {@code 2m} or ISO-8601;
 *   <li>{@code auth=token} (default): the token from {@code token_file}, else the environment
 *       variable {@code STRONGROOM_VAULT_TOKEN}, else {@code VAULT_TOKEN};
 *   <li>{@code auth=approle}: {@code role_id_file} / {@code secret_id_file}, else the environment
 *       variables {@code STRONGROOM_VAULT_ROLE_ID} / {@code STRONGROOM_VAULT_SECRET_ID}; {@code
 *       auth_mount} defaults to {@code approle};
 *   <li>{@code auth=kubernetes}: {@code role} (required), {@code jwt_file} (default the service
 *       account token), {@code auth_mount} (default {@code kubernetes});
 *   <li>{@code auth=jwt}: {@code role} and {@code jwt_file} (both required; the file is read at
 *       every login), {@code auth_mount} (default {@code jwt}).
 * </ul>
 *
 * <p>Credentials are never taken from the URI itself: a URI with user-info is refused.
 *
 * <p>Stateless and thread-safe.
 */
public final class VaultBackendProvider implements BackendProvider {
  private static final Set<String> PARAMS =
      Set.of(
          "tls",
          "ca_file",
          "namespace",
          "kv",
          "transit",
          "timeout",
          "deadline",
          "attempts",
          "auth",
          "auth_mount",
          "token_file",
          "role_id_file",
          "secret_id_file",
          "role",
          "jwt_file",
          "insecure_http",
          "max_response_bytes",
          "token_check_interval");

  /** For {@link java.util.ServiceLoader}. */
  public VaultBackendProvider() {}

  @Override
  public String scheme() {
    return "vault";
  }

  @Override
  public Backend open(OpenRequest request) {
    return connect(config(request.uri(), request::environment));
  }

  /** Opens a backend for {@code config}; nothing is sent until the first call. */
  public static Backend connect(VaultConfig config) {
    Objects.requireNonNull(config, "config");
    return VaultBackend.open(
        config.transport(),
        config.login(),
        config.kvMount(),
        config.transitMount(),
        config.tokenCheckInterval());
  }

  /** Parses a {@code vault:} URI, reading credentials through {@code env}. */
  static VaultConfig config(URI uri, Function<String, String> env) {
    Objects.requireNonNull(uri, "uri");
    if (!"vault".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected a vault: URI but the scheme was " + uri.getScheme());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "expected no user-info in a vault: URI; pass credentials by environment or file");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("expected vault://HOST[:PORT] but found no host");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException("expected no path in a vault: URI");
    }
    Map<String, String> params = params(uri.getRawQuery());
    boolean tls = bool(params.getOrDefault("tls", "true"), "tls");
    int port = uri.getPort() < 0 ? 8200 : uri.getPort();
    String host =
        uri.getHost().contains(":") && !uri.getHost().startsWith("[")
            ? "[" + uri.getHost() + "]"
            : uri.getHost();
    VaultConfig.Builder b =
        VaultConfig.builder(URI.create((tls ? "https" : "http") + "://" + host + ":" + port));
    if (bool(params.getOrDefault("insecure_http", "false"), "insecure_http")) {
      b.allowPlainHttp();
    }
    if (params.containsKey("max_response_bytes")) {
      b.maxResponseBytes(bytes(params.get("max_response_bytes"), "max_response_bytes"));
    }
    if (params.containsKey("ca_file")) {
      b.caFile(Path.of(params.get("ca_file")));
    }
    if (params.containsKey("namespace")) {
      b.namespace(params.get("namespace"));
    }
    if (params.containsKey("kv")) {
      b.kvMount(params.get("kv"));
    }
    if (params.containsKey("transit")) {
      b.transitMount(params.get("transit"));
    }
    if (params.containsKey("timeout")) {
      b.requestTimeout(duration(params.get("timeout"), "timeout"));
    }
    if (params.containsKey("deadline")) {
      b.deadline(duration(params.get("deadline"), "deadline"));
    }
    if (params.containsKey("token_check_interval")) {
      b.tokenCheckInterval(duration(params.get("token_check_interval"), "token_check_interval"));
    }
    if (params.containsKey("attempts")) {
      try {
        b.maxAttempts(Integer.parseInt(params.get("attempts")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a number of attempts", e);
      }
    }
    String auth = params.getOrDefault("auth", "token");
    switch (auth) {
      case "token":
        if (params.containsKey("token_file")) {
          b.tokenFile(Path.of(params.get("token_file")));
        } else {
          b.token(
              fromEnv(
                  env,
                  "auth=token needs token_file, STRONGROOM_VAULT_TOKEN or VAULT_TOKEN",
                  "STRONGROOM_VAULT_TOKEN",
                  "VAULT_TOKEN"));
        }
        break;
      case "approle":
        b.appRole(
            params.getOrDefault("auth_mount", "approle"),
            fileOrEnv(params.get("role_id_file"), env, "STRONGROOM_VAULT_ROLE_ID", "role_id"),
            fileOrEnv(
                params.get("secret_id_file"), env, "STRONGROOM_VAULT_SECRET_ID", "secret_id"));
        break;
      case "kubernetes":
        String role = params.get("role");
        if (role == null || role.isEmpty()) {
          throw new IllegalArgumentException("expected a role parameter for auth=kubernetes");
        }
        b.kubernetes(
            params.getOrDefault("auth_mount", "kubernetes"),
            role,
            params.containsKey("jwt_file")
                ? Path.of(params.get("jwt_file"))
                : VaultConfig.DEFAULT_JWT_FILE);
        break;
      case "jwt":
        String jwtRole = params.get("role");
        if (jwtRole == null || jwtRole.isEmpty()) {
          throw new IllegalArgumentException("expected a role parameter for auth=jwt");
        }
        String jwtFile = params.get("jwt_file");
        if (jwtFile == null || jwtFile.isEmpty()) {
          throw new IllegalArgumentException(
              "expected a jwt_file parameter for auth=jwt (the file holding the JWT)");
        }
        b.jwt(params.getOrDefault("auth_mount", "jwt"), jwtRole, Path.of(jwtFile));
        break;
      default:
        throw new IllegalArgumentException(
            "expected auth=token, approle, kubernetes or jwt but was " + auth);
    }
    return b.build();
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> params = new TreeMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!PARAMS.contains(key)) {
        throw new IllegalArgumentException(
            "expected one of " + new java.util.TreeSet<>(PARAMS) + " but found parameter " + key);
      }
      if (params.put(key, value) != null) {
        throw new IllegalArgumentException("expected parameter " + key + " once but it repeats");
      }
    }
    return params;
  }

  private static SecretValue fromEnv(
      Function<String, String> env, String missing, String... names) {
    for (String name : names) {
      String value = env.apply(name);
      if (value != null && !value.isEmpty()) {
        return SecretValue.ofUtf8(value);
      }
    }
    throw new IllegalArgumentException("expected a Vault credential: " + missing);
  }

  private static SecretValue fileOrEnv(
      String file, Function<String, String> env, String variable, String what) {
    if (file != null) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the " + what + " file " + file, e);
      }
      try {
        int end = bytes.length;
        while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
          end--;
        }
        return SecretValue.of(Arrays.copyOf(bytes, end));
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
    return fromEnv(env, "auth=approle needs " + what + "_file or " + variable, variable);
  }

  private static boolean bool(String value, String what) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("expected " + what + "=true or false but was " + value);
  }

  static long bytes(String text, String what) {
    long unit = 1;
    String digits = text;
    if (text.endsWith("k") || text.endsWith("m")) {
      unit = text.endsWith("k") ? 1024 : 1024 * 1024;
      digits = text.substring(0, text.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "expected a byte count (e.g. 1048576, 512k, 32m) for " + what + " but was " + text, e);
    }
  }

  static Duration duration(String text, String what) {
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long n = Long.parseLong(text.substring(0, text.length() - 1));
      switch (text.charAt(text.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("expected a duration for " + what + " but was " + text, e);
    }
    throw new IllegalArgumentException("expected a duration for " + what + " but was " + text);
  }
}
