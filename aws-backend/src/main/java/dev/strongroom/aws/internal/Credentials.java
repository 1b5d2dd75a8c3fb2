package dev.strongroom.aws.internal;

import dev.strongroom.aws.AwsAuth;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the credential provider an {@link AwsBackend} signs with, from an {@link AwsAuth}: the
 * credentials the open request supplied (else the SDK's default chain), or STS web identity and
 * assume-role providers that refresh ahead of expiry (synchronously, on the calling thread). STS
 * uses the backend's endpoint override and region.
 *
 * <p>Thread-safe; {@link #close} releases the STS clients.
 */
final class Credentials implements AutoCloseable {
  private final AwsCredentialsProvider provider;
  private final List<SdkAutoCloseable> closeables = new ArrayList<>();

  Credentials(AwsAuth auth, AwsConfig config, SdkHttpClient http, AwsCredentialsProvider supplied) {
    AwsCredentialsProvider base =
        supplied != null ? supplied : DefaultCredentialsProvider.builder().build();
    if (auth.webIdentityRoleArn().isPresent()) {
      String roleArn = auth.webIdentityRoleArn().get();
      Path tokenFile = auth.webIdentityTokenFile().orElseThrow();
      StsClient sts = sts(config, http, null);
      StsAssumeRoleWithWebIdentityCredentialsProvider webIdentity =
          StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(
                  () ->
                      AssumeRoleWithWebIdentityRequest.builder()
                          .roleArn(roleArn)
                          .roleSessionName(auth.sessionName())
                          .durationSeconds((int) auth.sessionDuration().toSeconds())
                          .webIdentityToken(readToken(tokenFile))
                          .build())
              .prefetchTime(auth.refreshBefore())
              .staleTime(auth.refreshBefore().dividedBy(2))
              .build();
      closeables.add(webIdentity);
      closeables.add(sts);
      base = webIdentity;
    }
    if (auth.assumeRoleArn().isPresent()) {
      StsClient sts = sts(config, http, base);
      StsAssumeRoleCredentialsProvider assumed =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(
                  AssumeRoleRequest.builder()
                      .roleArn(auth.assumeRoleArn().get())
                      .roleSessionName(auth.sessionName())
                      .durationSeconds((int) auth.sessionDuration().toSeconds())
                      .build())
              .prefetchTime(auth.refreshBefore())
              .staleTime(auth.refreshBefore().dividedBy(2))
              .build();
      closeables.add(assumed);
      closeables.add(sts);
      base = assumed;
    }
    this.provider = base;
  }

  AwsCredentialsProvider provider() {
    return provider;
  }

  private static StsClient sts(AwsConfig config, SdkHttpClient http, AwsCredentialsProvider creds) {
    var builder = StsClient.builder().httpClient(http);
    if (creds != null) {
      builder.credentialsProvider(creds);
    } else {
      // AssumeRoleWithWebIdentity is unsigned; no credentials are needed or looked up.
      builder.credentialsProvider(
          software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create());
    }
    config.regionName().ifPresent(region -> builder.region(Region.of(region)));
    config.endpointOverride().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Reads the token file; the message names the file, never its content. */
  static String readToken(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new AccessDeniedException("aws web-identity: the token file " + file + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new AccessDeniedException(
          "aws web-identity: cannot read the token file "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  @Override
  public void close() {
    for (SdkAutoCloseable c : closeables) {
      c.close();
    }
  }
}
