package dev.strongroom.aws;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Run in a child JVM by {@link AwsFederationIT} with only web identity variables in its
 * environment: prints which provider of the SDK's default chain answered and whether a backend
 * opened from a plain {@code aws:} URI (no credential parameters) wrote and read a secret.
 */
public final class WebIdentityChainMain {
  private WebIdentityChainMain() {}

  /** Args: the {@code aws:} URI, a secret name. */
  public static void main(String[] args) {
    AwsCredentials credentials = DefaultCredentialsProvider.builder().build().resolveCredentials();
    System.out.println("provider=" + credentials.providerName().orElse("?"));
    System.out.println("akid-prefix=" + credentials.accessKeyId().substring(0, 4));
    try (Backend backend = MotoServers.open(URI.create(args[0]))) {
      backend
          .secrets()
          .write(
              new WriteRequest(
                  args[1], SecretValue.ofUtf8("v"), Stage.CURRENT, WriteRequest.ANY_VERSION));
      System.out.println(
          "read=" + backend.secrets().read(ReadRequest.current(args[1])).isPresent());
    }
  }
}
