package dev.strongroom.aws;

import dev.strongroom.aws.internal.AwsBackend;
import dev.strongroom.aws.internal.AwsConfig;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Opens {@code aws:} backends: secrets in AWS Secrets Manager, key-encryption keys in AWS KMS.
 *
 * <p>URI syntax (every parameter optional):
 *
 * <pre>
 * aws:?region=us-east-1&amp;endpoint=http://127.0.0.1:4566&amp;kmsKey=alias/strongroom
 *     &amp;secretPrefix=app/&amp;recoveryWindowDays=30&amp;maxAttempts=4&amp;timeoutSeconds=30
 * </pre>
 *
 * <ul>
 *   <li>{@code region}: the AWS region; default: {@code AWS_REGION} as the open request sees it,
 *       else the SDK's region chain ({@code aws.region}, the profile).
 *   <li>{@code endpoint}: an endpoint override for both KMS and Secrets Manager (moto, LocalStack,
 *       a VPC endpoint); default: the region's public endpoints.
 *   <li>{@code kmsKey}: the alias namespace of the room's keys, default {@code alias/strongroom}:
 *       key name {@code orders} is the KMS key with alias {@code alias/strongroom/orders}. A key
 *       name that is itself an alias ({@code alias/...}) or a key ARN is used as it is.
 *   <li>{@code secretPrefix}: prepended to every secret name in Secrets Manager, default none.
 *   <li>{@code recoveryWindowDays}: the recovery window of a soft delete, 7 to 30, default 30.
 *   <li>{@code maxAttempts}: attempts per call, including the first, with jittered exponential
 *       backoff (longer on throttling), default 4.
 *   <li>{@code timeoutSeconds}: the deadline of one call including its retries, default 30.
 *   <li>{@code webIdentityRoleArn} with {@code webIdentityTokenFile}: web identity credentials (EKS
 *       IRSA, CI OIDC) from STS {@code AssumeRoleWithWebIdentity}, the token file read again at
 *       every refresh; {@code assumeRoleArn}: a role assumed with the base credentials; {@code
 *       roleSessionName} (default {@code strongroom}). STS uses {@code endpoint} and {@code
 *       region}. See {@link AwsAuth}.
 * </ul>
 *
 * <p>Credentials never come from the URI. They come from the {@link OpenRequest}: its {@code
 * AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and optional {@code AWS_SESSION_TOKEN}, each a
 * credential supplied from code ({@code OpenRequest.Builder.credential}, asked again for every
 * signature) or a variable of the request's environment (the process's unless replaced). When the
 * request has neither key, the SDK's default provider chain supplies them (system properties, web
 * identity from {@code AWS_ROLE_ARN} / {@code AWS_WEB_IDENTITY_TOKEN_FILE}, profile files,
 * container and instance credentials), or STS as above. Set {@code AWS_EC2_METADATA_DISABLED=true}
 * where instance metadata must not be probed (tests).
 *
 * <p>Stateless and thread-safe; each {@link #open} creates its own SDK clients.
 */
public final class AwsBackendProvider implements BackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public AwsBackendProvider() {}

  @Override
  public String scheme() {
    return AwsConfig.SCHEME;
  }

  @Override
  public Backend open(OpenRequest request) {
    URI uri = request.uri();
    AwsConfig config = AwsConfig.parse(uri);
    String region = request.environment("AWS_REGION");
    if (config.regionName().isEmpty() && region != null && !region.isBlank()) {
      config = config.withRegion(region);
    }
    return AwsBackend.open(
        config, AwsConfig.parseAuth(uri), request.clock(), suppliedCredentials(request));
  }

  /**
   * Static credentials from the request's {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}
   * and optional {@code AWS_SESSION_TOKEN} (supplied credentials or its environment), read again
   * for each signature so that a supplier can rotate them; null (the SDK's default chain) when the
   * request has neither key.
   *
   * @throws IllegalArgumentException if it has only one of the two keys
   */
  static AwsCredentialsProvider suppliedCredentials(OpenRequest request) {
    boolean id = request.environment("AWS_ACCESS_KEY_ID") != null;
    boolean secret = request.environment("AWS_SECRET_ACCESS_KEY") != null;
    if (!id && !secret) {
      return null;
    }
    if (id != secret) {
      throw new IllegalArgumentException(
          "expected AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY together, but only "
              + (id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")
              + " is set");
    }
    return () -> {
      String keyId = Objects.requireNonNull(request.environment("AWS_ACCESS_KEY_ID"), "key id");
      String key = Objects.requireNonNull(request.environment("AWS_SECRET_ACCESS_KEY"), "key");
      String token = request.environment("AWS_SESSION_TOKEN");
      return token == null || token.isBlank()
          ? AwsBasicCredentials.create(keyId, key)
          : AwsSessionCredentials.create(keyId, key, token);
    };
  }

  /**
   * Opens a backend for {@code uri} that signs with the credentials {@code auth} describes, instead
   * of any the URI names.
   */
  public static Backend open(URI uri, AwsAuth auth) {
    return AwsBackend.open(AwsConfig.parse(uri), auth, Clock.systemUTC());
  }
}
