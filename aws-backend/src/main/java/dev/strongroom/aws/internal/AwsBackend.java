package dev.strongroom.aws.internal;

import dev.strongroom.aws.AwsAuth;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.SecretStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The {@code aws:} backend: one HTTP client (the JDK's {@code HttpURLConnection}, chosen explicitly
 * so that no Netty or Apache client is picked from the class path), shared by a KMS and a Secrets
 * Manager client with an explicit retry strategy: the SDK's standard strategy with the configured
 * attempts, full-jitter exponential backoff (100 ms base, 5 s cap) and a longer one on throttling
 * (500 ms base, 20 s cap).
 *
 * <p>Thread-safe: the SDK clients are; {@link #close} releases them.
 */
public final class AwsBackend implements Backend {
  private final SdkHttpClient http;
  private final SecretsManagerClient secretsClient;
  private final KmsClient kmsClient;
  private final SecretsManagerStore secrets;
  private final KmsKeyService keys;
  private final Credentials credentials;
  private final AwsConfig config;

  private AwsBackend(AwsConfig config, AwsAuth auth, Clock clock, AwsCredentialsProvider supplied) {
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10))
            .build();
    this.config = config;
    this.credentials = new Credentials(auth, config, http, supplied);
    this.secretsClient = configure(SecretsManagerClient.builder(), config).build();
    this.kmsClient = configure(KmsClient.builder(), config).build();
    this.secrets =
        new SecretsManagerStore(
            secretsClient, config.secretPrefix(), config.recoveryWindowDays(), clock);
    this.keys = new KmsKeyService(kmsClient, config.kmsKey(), clock);
  }

  /** Opens a backend with the given settings; time for caches comes from {@code clock}. */
  public static AwsBackend open(AwsConfig config, Clock clock) {
    return open(config, AwsAuth.defaultChain(), clock);
  }

  /** Opens a backend that signs with the credentials {@code auth} describes. */
  public static AwsBackend open(AwsConfig config, AwsAuth auth, Clock clock) {
    return open(config, auth, clock, null);
  }

  /**
   * As {@link #open(AwsConfig, AwsAuth, Clock)}, with {@code supplied} (if not null) as the base
   * credentials instead of the SDK's default chain.
   */
  public static AwsBackend open(
      AwsConfig config, AwsAuth auth, Clock clock, AwsCredentialsProvider supplied) {
    return new AwsBackend(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(auth, "auth"),
        clock,
        supplied);
  }

  /** The retry strategy both clients use. */
  static RetryStrategy retryStrategy(int maxAttempts) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(maxAttempts)
        .backoffStrategy(
            BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
        .build();
  }

  private <
          B extends
              AwsSyncClientBuilder<B, ?>
                  & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B configure(B builder, AwsConfig config) {
    builder
        .httpClient(http)
        .credentialsProvider(credentials.provider())
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(config.maxAttempts()))
                .apiCallTimeout(config.timeout())
                .build());
    config.regionName().ifPresent(region -> builder.region(Region.of(region)));
    config.endpointOverride().ifPresent(builder::endpointOverride);
    return builder;
  }

  /**
   * {@code aws:} and the caller's ARN from STS {@code GetCallerIdentity} (which needs no
   * permission), asked once and then cached.
   */
  @Override
  public java.util.Optional<String> identity() {
    String known = identity;
    if (known == null) {
      try (software.amazon.awssdk.services.sts.StsClient sts =
          configure(software.amazon.awssdk.services.sts.StsClient.builder(), config).build()) {
        known = "aws:" + sts.getCallerIdentity().arn();
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        throw AwsErrors.map("sts:GetCallerIdentity", "caller", e);
      }
      identity = known;
    }
    return java.util.Optional.of(known);
  }

  private volatile String identity;

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  @Override
  public void close() {
    try {
      secretsClient.close();
      kmsClient.close();
      credentials.close();
    } finally {
      http.close();
    }
  }
}
