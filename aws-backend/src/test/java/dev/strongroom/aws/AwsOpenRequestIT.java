package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: {@code BackendProvider.open(OpenRequest)} hands the AWS backend its credentials from
 * code, not from the process. The process here has moto's default {@code testing} keys in its
 * environment; the request replaces the environment with one that has no AWS variable and supplies
 * the access key of a fresh IAM user (made with boto3), so STS names that user only if the
 * request's keys signed.
 */
class AwsOpenRequestIT {
  private static final String CANARY_SUFFIX = "canary-9d0c";

  @Test
  void suppliedKeys_sign_notTheProcessEnvironment_andNeverShow() {
    String user = "it-open-" + MotoServers.namespace();
    String[] key =
        Boto3.text(
                "iam = boto3.client('iam', endpoint_url=os.environ['STRONGROOM_AWS_ENDPOINT'],"
                    + " region_name='us-east-1')\n"
                    + "iam.create_user(UserName=args[0])\n"
                    + "k = iam.create_access_key(UserName=args[0])['AccessKey']\n"
                    + "out.write((k['AccessKeyId'] + ' ' + k['SecretAccessKey']).encode())\n",
                user)
            .split(" ");
    String ns = MotoServers.namespace();
    // no region in the URI: it comes from the request's AWS_REGION
    URI uri =
        URI.create(
            "aws:?endpoint="
                + MotoServers.endpoint()
                + "&secretPrefix="
                + ns
                + "/&kmsKey=alias/"
                + ns);
    OpenRequest request =
        OpenRequest.builder(uri)
            .environment(Map.of("AWS_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true"))
            .credential("AWS_ACCESS_KEY_ID", () -> SecretValue.ofUtf8(key[0]))
            .credential("AWS_SECRET_ACCESS_KEY", () -> SecretValue.ofUtf8(key[1]))
            .build();

    Backend backend = new AwsBackendProvider().open(request);
    assertEquals(
        java.util.Optional.of("aws:arn:aws:iam::123456789012:user/" + user), backend.identity());
    try (Strongroom room =
        Strongroom.builder()
            .backend(MotoServers.withDefaultKey(backend))
            .executor(Runnable::run)
            .build()) {
      room.put("db/password", SecretValue.ofUtf8("v-" + CANARY_SUFFIX));
      assertEquals("v-" + CANARY_SUFFIX, room.secret("db/password").copyUtf8String());
      for (String shown : new String[] {request.toString(), backend.toString(), room.toString()}) {
        assertFalse(shown.contains(key[1]), "the secret key never shows: " + shown);
      }
    }
  }

  @Test
  void onlyOneOfTheTwoKeys_isRefusedNamingTheMissingOne_neverItsValue() {
    OpenRequest request =
        OpenRequest.builder(MotoServers.uri(MotoServers.endpoint(), MotoServers.namespace(), ""))
            .environment(Map.of())
            .credential(
                "AWS_SECRET_ACCESS_KEY", () -> SecretValue.ofUtf8("secret-" + CANARY_SUFFIX))
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AwsBackendProvider().open(request));
    assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    assertFalse(e.getMessage().contains(CANARY_SUFFIX));
  }
}
