package dev.strongroom.aws.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of an {@code aws:} URI (syntax in {@link dev.strongroom.aws.AwsBackendProvider}).
 * Immutable. Messages name a parameter, never its value, since a value could be mistaken input.
 *
 * @param region the region, or null for the SDK's region chain
 * @param endpoint the endpoint override, or null
 * @param kmsKey the alias namespace of key names, such as {@code alias/strongroom}
 * @param secretPrefix prepended to secret names
 * @param recoveryWindowDays the recovery window of a soft delete
 * @param maxAttempts attempts per call, including the first
 * @param timeout the deadline of one call including retries
 */
public record AwsConfig(
    String region,
    URI endpoint,
    String kmsKey,
    String secretPrefix,
    int recoveryWindowDays,
    int maxAttempts,
    Duration timeout) {

  /** The URI scheme. */
  public static final String SCHEME = "aws";

  private static final Set<String> KNOWN =
      Set.of(
          "region",
          "endpoint",
          "kmsKey",
          "secretPrefix",
          "recoveryWindowDays",
          "maxAttempts",
          "timeoutSeconds",
          "webIdentityRoleArn",
          "webIdentityTokenFile",
          "assumeRoleArn",
          "roleSessionName");

  /** Checks the fields. */
  public AwsConfig {
    Objects.requireNonNull(kmsKey, "kmsKey");
    Objects.requireNonNull(secretPrefix, "secretPrefix");
    Objects.requireNonNull(timeout, "timeout");
    if (!kmsKey.startsWith("alias/") || kmsKey.endsWith("/") || kmsKey.length() < 7) {
      throw new IllegalArgumentException("expected kmsKey to be an alias such as alias/strongroom");
    }
    if (recoveryWindowDays < 7 || recoveryWindowDays > 30) {
      throw new IllegalArgumentException(
          "expected recoveryWindowDays between 7 and 30 but was " + recoveryWindowDays);
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException(
          "expected maxAttempts between 1 and 20 but was " + maxAttempts);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("expected a positive timeout but was " + timeout);
    }
  }

  /** These settings with {@code regionName} as the region. */
  public AwsConfig withRegion(String regionName) {
    return new AwsConfig(
        regionName, endpoint, kmsKey, secretPrefix, recoveryWindowDays, maxAttempts, timeout);
  }

  /** The region, if the URI names one. */
  public Optional<String> regionName() {
    return Optional.ofNullable(region);
  }

  /** The endpoint override, if any. */
  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * Parses {@code aws:?k=v&...} (also {@code aws://?k=v} and a bare {@code aws:}).
   *
   * @throws IllegalArgumentException naming the problem, never a parameter value
   */
  public static AwsConfig parse(URI uri) {
    Map<String, String> params = params(uri);
    try {
      return new AwsConfig(
          params.get("region"),
          params.containsKey("endpoint") ? endpoint(params.get("endpoint")) : null,
          params.getOrDefault("kmsKey", "alias/strongroom"),
          params.getOrDefault("secretPrefix", ""),
          integer(params, "recoveryWindowDays", 30),
          integer(params, "maxAttempts", 4),
          Duration.ofSeconds(integer(params, "timeoutSeconds", 30)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid aws: URI: " + e.getMessage(), e);
    }
  }

  /**
   * The credentials an {@code aws:} URI asks for: {@code webIdentityRoleArn} with {@code
   * webIdentityTokenFile} (both or neither), then optionally {@code assumeRoleArn}, and {@code
   * roleSessionName}; without them the SDK's default chain.
   *
   * @throws IllegalArgumentException naming the problem, never a parameter value
   */
  public static dev.strongroom.aws.AwsAuth parseAuth(URI uri) {
    Map<String, String> params = params(uri);
    try {
      String role = params.get("webIdentityRoleArn");
      String file = params.get("webIdentityTokenFile");
      if ((role == null) != (file == null)) {
        throw new IllegalArgumentException(
            "expected webIdentityRoleArn and webIdentityTokenFile together");
      }
      dev.strongroom.aws.AwsAuth auth =
          role == null
              ? dev.strongroom.aws.AwsAuth.defaultChain()
              : dev.strongroom.aws.AwsAuth.webIdentity(role, java.nio.file.Path.of(file));
      if (params.containsKey("assumeRoleArn")) {
        auth = auth.thenAssumeRole(params.get("assumeRoleArn"));
      }
      if (params.containsKey("roleSessionName")) {
        auth = auth.sessionName(params.get("roleSessionName"));
      }
      return auth;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid aws: URI: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> params(URI uri) {
    Objects.requireNonNull(uri, "uri");
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected an aws: URI but the scheme was " + uri.getScheme());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "expected no credentials in an aws: URI; the SDK's credential chain supplies them");
    }
    String rest = uri.getRawSchemeSpecificPart();
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    int q = rest.indexOf('?');
    String before = q < 0 ? rest : rest.substring(0, q);
    if (!before.isEmpty() && !before.equals("/")) {
      throw new IllegalArgumentException(
          "expected aws:?param=value..., with no host or path, but the URI had a path or host");
    }
    return q < 0 ? Map.of() : query(rest.substring(q + 1));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            "unknown aws: URI parameter '" + key + "'; expected one of " + KNOWN);
      }
      if (params.put(key, value) != null) {
        throw new IllegalArgumentException("aws: URI parameter '" + key + "' given twice");
      }
    }
    return params;
  }

  private static URI endpoint(String value) {
    URI endpoint;
    try {
      endpoint = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected endpoint to be an http(s) URL", e);
    }
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
        || endpoint.getHost() == null
        || endpoint.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "expected endpoint to be an http(s) URL with a host and no user info");
    }
    return endpoint;
  }

  private static int integer(Map<String, String> params, String key, int dflt) {
    String value = params.get(key);
    if (value == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + key + " to be an integer", e);
    }
  }
}
