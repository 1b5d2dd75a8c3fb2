package dev.strongroom.aws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsConfigTest {
  @Test
  void parse_fullUri_readsEveryParameter() {
    AwsConfig config =
        AwsConfig.parse(
            URI.create(
                "aws:?region=eu-west-1&endpoint=http://127.0.0.1:4566&kmsKey=alias/app"
                    + "&secretPrefix=prod%2F&recoveryWindowDays=7&maxAttempts=5&timeoutSeconds=9"));
    assertEquals(Optional.of("eu-west-1"), config.regionName());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), config.endpointOverride());
    assertEquals("alias/app", config.kmsKey());
    assertEquals("prod/", config.secretPrefix());
    assertEquals(7, config.recoveryWindowDays());
    assertEquals(5, config.maxAttempts());
    assertEquals(Duration.ofSeconds(9), config.timeout());
  }

  @Test
  void parse_bareScheme_usesDefaults() {
    for (String uri :
        new String[] {"aws:/", "aws:?", "aws:?region=us-east-1&", "aws:/?maxAttempts=4"}) {
      AwsConfig config = AwsConfig.parse(URI.create(uri));
      assertEquals("alias/strongroom", config.kmsKey());
      assertEquals("", config.secretPrefix());
      assertEquals(30, config.recoveryWindowDays());
      assertEquals(4, config.maxAttempts());
      assertFalse(config.endpointOverride().isPresent());
    }
  }

  @Test
  void parse_unknownParameter_namesItButNotTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AwsConfig.parse(URI.create("aws:?secretKey=TOPSECRET")));
    assertTrue(e.getMessage().contains("secretKey"), e.getMessage());
    assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
  }

  @Test
  void parse_userInfo_refused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AwsConfig.parse(URI.create("aws://AKIA:TOPSECRET@host?region=x")));
    assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
  }

  @Test
  void parse_badValues_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsConfig.parse(URI.create("aws:?recoveryWindowDays=3")));
    assertThrows(
        IllegalArgumentException.class, () -> AwsConfig.parse(URI.create("aws:?maxAttempts=x")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsConfig.parse(URI.create("aws:?kmsKey=strongroom")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsConfig.parse(URI.create("aws:?endpoint=ftp://host")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsConfig.parse(URI.create("aws:?region=a&region=b")));
    assertThrows(IllegalArgumentException.class, () -> AwsConfig.parse(URI.create("file:/x")));
  }
}
