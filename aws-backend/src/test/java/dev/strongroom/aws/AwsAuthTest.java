package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.aws.internal.AwsConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AwsAuthTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/app";

  @Test
  void uri_withoutCredentialParams_isTheDefaultChain() {
    AwsAuth auth = AwsConfig.parseAuth(URI.create("aws:?region=us-east-1"));
    assertEquals("default-chain", auth.method());
    assertTrue(auth.webIdentityRoleArn().isEmpty());
  }

  @Test
  void uri_webIdentityThenAssumeRole() {
    AwsAuth auth =
        AwsConfig.parseAuth(
            URI.create(
                "aws:?webIdentityRoleArn="
                    + ROLE
                    + "&webIdentityTokenFile=/var/run/token&assumeRoleArn="
                    + ROLE
                    + "-b&roleSessionName=svc"));
    assertEquals("web-identity+assume-role", auth.method());
    assertEquals(Path.of("/var/run/token"), auth.webIdentityTokenFile().orElseThrow());
    assertEquals("svc", auth.sessionName());
    assertEquals(Duration.ofMinutes(15), auth.sessionDuration());
    assertEquals(Duration.ofMinutes(5), auth.refreshBefore());
  }

  @Test
  void mistakes_areRefused_withoutEchoingValues() {
    IllegalArgumentException half =
        assertThrows(
            IllegalArgumentException.class,
            () -> AwsConfig.parseAuth(URI.create("aws:?webIdentityTokenFile=/t")));
    assertTrue(half.getMessage().contains("together"), half.getMessage());
    IllegalArgumentException arn =
        assertThrows(
            IllegalArgumentException.class,
            () -> AwsConfig.parseAuth(URI.create("aws:?assumeRoleArn=CANARY-not-an-arn")));
    assertFalse(arn.getMessage().contains("CANARY"), arn.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AwsAuth.defaultChain().sessionName("x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsAuth.defaultChain().sessionDuration(Duration.ofMinutes(14)));
    assertThrows(
        IllegalArgumentException.class, () -> AwsAuth.defaultChain().refreshBefore(Duration.ZERO));
  }
}
