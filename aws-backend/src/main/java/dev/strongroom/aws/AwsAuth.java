package dev.strongroom.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@code aws:} backend gets its AWS credentials: the SDK's default chain (which, with the
 * {@code sts} module present, includes web identity from {@code AWS_ROLE_ARN} / {@code
 * AWS_WEB_IDENTITY_TOKEN_FILE}), an explicit web identity (a role ARN and a token file, read again
 * at every refresh because projected and CI tokens rotate), optionally followed by assuming a role.
 * Credentials from STS are refreshed {@link #refreshBefore()} ahead of their expiry, so that no
 * call is made with expired credentials. Never holds a secret: only ARNs and file paths.
 *
 * <p>Immutable and thread-safe.
 */
public final class AwsAuth {
  /** The lifetime asked of STS for each credential: 15 minutes, the minimum STS allows. */
  public static final Duration DEFAULT_SESSION_DURATION = Duration.ofMinutes(15);

  /** How long before expiry STS credentials are refreshed by default: 5 minutes. */
  public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);

  private final String webIdentityRoleArn;
  private final Path webIdentityTokenFile;
  private final String assumeRoleArn;
  private final String sessionName;
  private final Duration sessionDuration;
  private final Duration refreshBefore;

  private AwsAuth(
      String webIdentityRoleArn,
      Path webIdentityTokenFile,
      String assumeRoleArn,
      String sessionName,
      Duration sessionDuration,
      Duration refreshBefore) {
    this.webIdentityRoleArn = webIdentityRoleArn;
    this.webIdentityTokenFile = webIdentityTokenFile;
    this.assumeRoleArn = assumeRoleArn;
    this.sessionName = sessionName;
    this.sessionDuration = sessionDuration;
    this.refreshBefore = refreshBefore;
  }

  /** The SDK's default credential chain (environment, system properties, web identity, profile). */
  public static AwsAuth defaultChain() {
    return new AwsAuth(
        null, null, null, "strongroom", DEFAULT_SESSION_DURATION, DEFAULT_REFRESH_BEFORE);
  }

  /**
   * Web identity: {@code AssumeRoleWithWebIdentity} for {@code roleArn} with the token in {@code
   * tokenFile}, read again at every refresh.
   */
  public static AwsAuth webIdentity(String roleArn, Path tokenFile) {
    return new AwsAuth(
        checkArn(roleArn, "roleArn"),
        Objects.requireNonNull(tokenFile, "tokenFile"),
        null,
        "strongroom",
        DEFAULT_SESSION_DURATION,
        DEFAULT_REFRESH_BEFORE);
  }

  /** These credentials used to assume {@code roleArn} ({@code AssumeRole}); the result signs. */
  public AwsAuth thenAssumeRole(String roleArn) {
    return new AwsAuth(
        webIdentityRoleArn,
        webIdentityTokenFile,
        checkArn(roleArn, "roleArn"),
        sessionName,
        sessionDuration,
        refreshBefore);
  }

  /** The STS role session name; default {@code strongroom}. */
  public AwsAuth sessionName(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[\\w+=,.@-]{2,64}")) {
      throw new IllegalArgumentException(
          "expected a role session name of 2 to 64 characters [\\w+=,.@-]");
    }
    return new AwsAuth(
        webIdentityRoleArn,
        webIdentityTokenFile,
        assumeRoleArn,
        name,
        sessionDuration,
        refreshBefore);
  }

  /** The lifetime asked of STS, 15 minutes to 12 hours; default 15 minutes. */
  public AwsAuth sessionDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.compareTo(Duration.ofMinutes(15)) < 0
        || duration.compareTo(Duration.ofHours(12)) > 0) {
      throw new IllegalArgumentException(
          "expected a session duration of 15 minutes to 12 hours but was " + duration);
    }
    return new AwsAuth(
        webIdentityRoleArn,
        webIdentityTokenFile,
        assumeRoleArn,
        sessionName,
        duration,
        refreshBefore);
  }

  /**
   * How long before their expiry STS credentials are refreshed; default 5 minutes. The refresh
   * happens on the calling thread before the call is signed.
   */
  public AwsAuth refreshBefore(Duration margin) {
    Objects.requireNonNull(margin, "margin");
    if (margin.isNegative() || margin.isZero()) {
      throw new IllegalArgumentException("expected a positive refresh margin but was " + margin);
    }
    return new AwsAuth(
        webIdentityRoleArn,
        webIdentityTokenFile,
        assumeRoleArn,
        sessionName,
        sessionDuration,
        margin);
  }

  /** The web identity role, if this is web identity rather than the default chain. */
  public Optional<String> webIdentityRoleArn() {
    return Optional.ofNullable(webIdentityRoleArn);
  }

  /** The web identity token file, if any. */
  public Optional<Path> webIdentityTokenFile() {
    return Optional.ofNullable(webIdentityTokenFile);
  }

  /** The role assumed on top of the base credentials, if any. */
  public Optional<String> assumeRoleArn() {
    return Optional.ofNullable(assumeRoleArn);
  }

  /** The STS role session name. */
  public String sessionName() {
    return sessionName;
  }

  /** The lifetime asked of STS. */
  public Duration sessionDuration() {
    return sessionDuration;
  }

  /** How long before expiry STS credentials are refreshed. */
  public Duration refreshBefore() {
    return refreshBefore;
  }

  /** The method's name for messages: {@code default}, {@code web-identity}, plus assume-role. */
  public String method() {
    String base = webIdentityRoleArn == null ? "default-chain" : "web-identity";
    return assumeRoleArn == null ? base : base + "+assume-role";
  }

  private static String checkArn(String arn, String what) {
    Objects.requireNonNull(arn, what);
    if (!arn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
      throw new IllegalArgumentException(
          "expected " + what + " to be an IAM role ARN such as arn:aws:iam::123456789012:role/app");
    }
    return arn;
  }

  @Override
  public String toString() {
    return "AwsAuth["
        + method()
        + (webIdentityRoleArn == null ? "" : ", webIdentityRole=" + webIdentityRoleArn)
        + (webIdentityTokenFile == null ? "" : ", tokenFile=" + webIdentityTokenFile)
        + (assumeRoleArn == null ? "" : ", assumeRole=" + assumeRoleArn)
        + ", session="
        + sessionName
        + "]";
  }
}
