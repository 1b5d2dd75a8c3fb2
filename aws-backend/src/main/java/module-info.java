/**
 * Strongroom's AWS backend (KMS and Secrets Manager over the AWS SDK for Java v2), registered for
 * {@link java.util.ServiceLoader} as a {@link dev.strongroom.spi.BackendProvider}.
 *
 * <p>Exports {@code dev.strongroom.aws} only; {@code dev.strongroom.aws.internal} is not part of
 * the API. The AWS SDK jars are automatic modules with stable {@code Automatic-Module-Name}s.
 */
// "requires-automatic": the AWS SDK jars are automatic modules (stable Automatic-Module-Names).
@SuppressWarnings("requires-automatic")
module dev.strongroom.aws {
  requires transitive dev.strongroom.core;
  requires software.amazon.awssdk.services.kms;
  requires software.amazon.awssdk.services.secretsmanager;
  requires software.amazon.awssdk.services.sts;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.utils;
  requires org.slf4j;

  exports dev.strongroom.aws;

  provides dev.strongroom.spi.BackendProvider with
      dev.strongroom.aws.AwsBackendProvider;
}
