/**
 * The {@code aws:} backend: AWS KMS for key-encryption keys and AWS Secrets Manager for secrets,
 * over the AWS SDK for Java v2. Found by {@link java.util.ServiceLoader} through {@link
 * dev.strongroom.aws.AwsBackendProvider}; the only public type is the provider.
 */
package dev.strongroom.aws;
