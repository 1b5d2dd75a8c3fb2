package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Web identity through the SDK's default chain, explicit web identity and assume-role against
 * moto's STS, and credentials refreshed before expiry with no failed call: moto checks neither
 * tokens nor expiry, so an {@link ExpiryEnforcingProxy} in front of it refuses expired credentials.
 */
class AwsFederationIT {
  private static final String ROLE = "arn:aws:iam::123456789012:role/strongroom-it";
  private static final String OTHER_ROLE = "arn:aws:iam::123456789012:role/strongroom-it-target";
  @TempDir Path dir;

  private static void put(Backend backend, String name) {
    backend
        .secrets()
        .write(
            new WriteRequest(
                name, SecretValue.ofUtf8("v"), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  @Test
  void webIdentity_throughTheDefaultChain_inAChildWithOnlyWebIdentityVariables() throws Exception {
    String endpoint = MotoServers.endpoint();
    Path token = Files.writeString(dir.resolve("token"), "eyJ.web-identity.token");
    String ns = MotoServers.namespace();
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WebIdentityChainMain.class.getName(),
                MotoServers.uri(endpoint, ns, "").toString(),
                "fed/chain")
            .redirectErrorStream(true);
    Map<String, String> env = child.environment();
    env.remove("AWS_ACCESS_KEY_ID");
    env.remove("AWS_SECRET_ACCESS_KEY");
    env.remove("AWS_SESSION_TOKEN");
    env.remove("AWS_PROFILE");
    env.put("AWS_CONFIG_FILE", dir.resolve("none").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
    env.put("AWS_ROLE_ARN", ROLE);
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
    env.put("AWS_ENDPOINT_URL_STS", endpoint);
    env.put("AWS_REGION", "us-east-1");
    Process process = child.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    // No static keys, profile or instance metadata in the child: ASIA keys came from STS.
    assertTrue(output.contains("akid-prefix=ASIA"), "not STS credentials: " + output);
    assertTrue(output.contains("read=true"), output);
  }

  @Test
  void uri_webIdentityThenAssumeRole_signsWithTheAssumedRolesKey() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "eyJ.web-identity.token");
    try (ExpiryEnforcingProxy proxy =
        new ExpiryEnforcingProxy(URI.create(MotoServers.endpoint()), null)) {
      URI uri =
          MotoServers.uri(
              proxy.uri().toString(),
              MotoServers.namespace(),
              "webIdentityRoleArn="
                  + ROLE
                  + "&webIdentityTokenFile="
                  + URLEncoder.encode(token.toString(), StandardCharsets.UTF_8)
                  + "&assumeRoleArn="
                  + OTHER_ROLE
                  + "&roleSessionName=fed-it");
      try (Backend backend = MotoServers.open(uri)) {
        put(backend, "fed/assumed");
        assertTrue(backend.secrets().read(ReadRequest.current("fed/assumed")).isPresent());
      }
      assertEquals(List.of("AssumeRoleWithWebIdentity", "AssumeRole"), proxy.stsActions());
      String assumedKey = proxy.issued().get(1).accessKeyId();
      assertFalse(proxy.signers().isEmpty());
      assertEquals(Set.of(assumedKey), Set.copyOf(proxy.signers()), "signed with another key");
      assertEquals(0, proxy.refused());
    }
  }

  @Test
  void assumeRole_fromTheDefaultChain_viaTheBuilder() throws Exception {
    try (ExpiryEnforcingProxy proxy =
            new ExpiryEnforcingProxy(URI.create(MotoServers.endpoint()), null);
        Backend backend =
            AwsBackendProvider.open(
                MotoServers.uri(proxy.uri().toString(), MotoServers.namespace(), ""),
                AwsAuth.defaultChain().thenAssumeRole(OTHER_ROLE))) {
      put(backend, "fed/assume");
      assertEquals(List.of("AssumeRole"), proxy.stsActions());
      assertEquals(Set.of(proxy.issued().get(0).accessKeyId()), Set.copyOf(proxy.signers()));
    }
  }

  @Test
  void webIdentity_readLoopAcrossCredentialExpiry_hasNoFailedRead() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "eyJ.first");
    // Each 900 s credential lives 6 s at the proxy; refresh 3 s before expiry.
    try (ExpiryEnforcingProxy proxy =
            new ExpiryEnforcingProxy(URI.create(MotoServers.endpoint()), Duration.ofSeconds(6));
        Backend backend =
            AwsBackendProvider.open(
                MotoServers.uri(proxy.uri().toString(), MotoServers.namespace(), ""),
                AwsAuth.webIdentity(ROLE, token).refreshBefore(Duration.ofSeconds(3)))) {
      put(backend, "fed/loop");
      Instant firstExpiry = proxy.issued().get(0).expiry();
      int reads = 0;
      int failed = 0;
      // Until two credentials have expired at the proxy (bounded by the proxy's own clock).
      Instant until = firstExpiry.plusSeconds(7);
      Instant giveUp = Instant.now().plusSeconds(60);
      while (Instant.now().isBefore(until) && Instant.now().isBefore(giveUp)) {
        Files.writeString(token, "eyJ.rotated-" + reads); // the file rotates meanwhile
        try {
          assertTrue(backend.secrets().read(ReadRequest.current("fed/loop")).isPresent());
        } catch (StrongroomException e) {
          failed++;
        }
        reads++;
      }
      System.out.println(
          "expiry loop: reads="
              + reads
              + " failed="
              + failed
              + " credentials="
              + proxy.issued().size()
              + " refusedAtProxy="
              + proxy.refused());
      assertEquals(0, failed, "failed reads across the expiry");
      assertEquals(0, proxy.refused(), "a request was signed with an expired credential");
      assertTrue(proxy.issued().size() >= 3, "credentials were not refreshed: " + proxy.issued());
      assertTrue(Instant.now().isAfter(firstExpiry), "the loop did not cross an expiry");

      // The control: the first credential, no longer refreshed, is refused by the proxy.
      ExpiryEnforcingProxy.Issued first = proxy.issued().get(0);
      try (SecretsManagerClient stale =
          SecretsManagerClient.builder()
              .httpClient(UrlConnectionHttpClient.create())
              .region(Region.US_EAST_1)
              .endpointOverride(proxy.uri())
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsSessionCredentials.create(
                          first.accessKeyId(), first.secretKey(), first.sessionToken())))
              .build()) {
        assertThrows(Exception.class, () -> stale.listSecrets(r -> r.maxResults(1)));
      }
      assertTrue(proxy.refused() > 0, "the proxy did not refuse an expired credential");
    }
  }

  @Test
  void webIdentity_missingTokenFile_isTypedAndNamesTheFile_andUriMistakesAreRefused() {
    Path missing = dir.resolve("absent-token");
    try (ExpiryEnforcingProxy proxy =
            new ExpiryEnforcingProxy(URI.create(MotoServers.endpoint()), null);
        Backend backend =
            AwsBackendProvider.open(
                MotoServers.uri(proxy.uri().toString(), MotoServers.namespace(), ""),
                AwsAuth.webIdentity(ROLE, missing))) {
      Exception e =
          assertThrows(
              Exception.class, () -> backend.secrets().read(ReadRequest.current("fed/none")));
      Throwable t = e;
      while (t != null && !(t instanceof AccessDeniedException)) {
        t = t.getCause();
      }
      assertTrue(t != null, "not AccessDenied: " + e);
      assertTrue(t.getMessage().contains("web-identity"), t.getMessage());
      assertTrue(t.getMessage().contains(missing.toString()), t.getMessage());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AwsBackendProvider()
                .open(
                    dev.strongroom.spi.OpenRequest.of(
                        URI.create("aws:?webIdentityRoleArn=" + ROLE))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AwsBackendProvider()
                .open(
                    dev.strongroom.spi.OpenRequest.of(
                        URI.create("aws:?webIdentityRoleArn=nope&webIdentityTokenFile=/t"))));
  }
}
