package dev.strongroom.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.env.SecretScanner.Finding;
import dev.strongroom.env.SecretScanner.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretScannerTest {
  private static final String CANARY = "CANARYx9Q2";

  private static Map<String, Kind> kinds(Map<String, String> vars) {
    return SecretScanner.scan(vars).stream()
        .collect(Collectors.toMap(Finding::variable, Finding::kind));
  }

  @ParameterizedTest
  @CsvSource({
    "AKIA" + "IOSFODNN7EXAMPLE",
    "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-" + "123456789012-abcdefghij",
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "hvs." + "CAESIJ0example",
    "-----BEGIN" + " OPENSSH PRIVATE KEY-----",
    "glpat-" + "xxxxxxxxxxxxxxxxxxxx",
  })
  void scan_knownTokenPrefix_flagged(String value) {
    assertEquals(Map.of("SOME_VAR", Kind.KNOWN_TOKEN_PREFIX), kinds(Map.of("SOME_VAR", value)));
  }

  @Test
  void scan_jwtShape_flagged() {
    String jwt =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    assertEquals(Map.of("SESSION", Kind.JWT), kinds(Map.of("SESSION", jwt)));
  }

  @Test
  void scan_urlWithPassword_flagged() {
    assertEquals(
        Map.of("DATABASE_URL", Kind.URL_WITH_PASSWORD),
        kinds(Map.of("DATABASE_URL", "postgres://app:hunter2@db:5432/app")));
  }

  @Test
  void scan_highEntropyToken_flagged_lowEntropyAndPathsNot() {
    Map<String, String> vars =
        Map.of(
            "RANDOM", "q8Zt3VwPn1Lx7RkYb2Hc9JdMf4Gs",
            "HEX", "9f86d081884c7d659a2feaa0c55ad015",
            "REPEATED", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
            "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64",
            "SHORT", "a1b2c3",
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "LANG", "en_US.UTF-8");

    assertEquals(Map.of("RANDOM", Kind.HIGH_ENTROPY, "HEX", Kind.HIGH_ENTROPY), kinds(vars));
  }

  @Test
  void scan_sensitiveNameWithLiteral_flagged_notWhenHarmless() {
    Map<String, String> vars =
        Map.of(
            "DB_PASSWORD", "hunter2",
            "CLIENT_SECRET", "abc",
            "GITHUB_TOKEN", "xyz",
            "STRIPE_APIKEY", "k",
            "SIGNING_KEY", "k2",
            "TOKEN_TTL", "3600",
            "KEYBOARD_LAYOUT", "us",
            "USE_PASSWORD", "true",
            "PWD", "/home/app");

    assertEquals(
        Map.of(
            "DB_PASSWORD", Kind.SENSITIVE_NAME,
            "CLIENT_SECRET", Kind.SENSITIVE_NAME,
            "GITHUB_TOKEN", Kind.SENSITIVE_NAME,
            "STRIPE_APIKEY", Kind.SENSITIVE_NAME,
            "SIGNING_KEY", Kind.SENSITIVE_NAME),
        kinds(vars));
  }

  @Test
  void scan_references_neverFlagged() {
    Map<String, String> vars =
        Map.of(
            "DB_PASSWORD", "strongroom:db/password",
            "API_TOKEN", "strongroom:api/token?version=2",
            "EMPTY_SECRET", "");

    assertEquals(List.of(), SecretScanner.scan(vars));
  }

  @Test
  void findings_areInNameOrder_oneEach() {
    Map<String, String> vars = new HashMap<>();
    vars.put("Z_TOKEN", "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a");
    vars.put("A_PASSWORD", "x");

    List<Finding> findings = SecretScanner.scan(vars);

    assertEquals(
        List.of("A_PASSWORD", "Z_TOKEN"), findings.stream().map(Finding::variable).toList());
  }

  @Test
  void findings_neverContainTheValue() {
    Map<String, String> vars =
        Map.of(
            "A_PASSWORD", CANARY,
            "B", "ghp_" + CANARY + "abcdef0123456789",
            "C", "eyJ" + CANARY + ".eyJ" + CANARY + "." + CANARY,
            "D", "https://u:" + CANARY + "@host/",
            "E", CANARY + "q8Zt3VwPn1Lx7RkYb2Hc9JdMf4Gs",
            "F_KEY", "-----BEGIN " + CANARY);

    List<Finding> findings = SecretScanner.scan(vars);

    assertEquals(6, findings.size());
    assertFalse(findings.toString().contains(CANARY), findings.toString());
  }

  @Test
  void entropy_ofUniformAlphabet_isLog2OfItsSize() {
    assertEquals(4.0, SecretScanner.entropy("0123456789abcdef"), 1e-9);
    assertEquals(0.0, SecretScanner.entropy("aaaa"), 1e-9);
    assertTrue(SecretScanner.sensitiveName("db.password"));
  }

  @Test
  void scan_strongroomApiKey_flaggedOnlyWithValidChecksum() {
    String key;
    try (dev.strongroom.Strongroom room = dev.strongroom.Strongroom.open("memory:")) {
      key =
          room.apiKeys()
              .issue(dev.strongroom.apikey.IssueRequest.builder("live").build())
              .key()
              .copyUtf8String();
    }
    char last = key.charAt(key.length() - 1);
    String typo = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');

    List<SecretScanner.Finding> found =
        SecretScanner.scan(
            Map.of("API", key, "IN_URL", "https://x/?k=" + key + "&a=1", "TYPO", typo));

    assertEquals(SecretScanner.Kind.STRONGROOM_API_KEY, found.get(0).kind());
    assertEquals("API", found.get(0).variable());
    assertEquals(SecretScanner.Kind.STRONGROOM_API_KEY, found.get(1).kind());
    for (SecretScanner.Finding f : found) {
      if (f.variable().equals("TYPO")) {
        assertNotEquals(SecretScanner.Kind.STRONGROOM_API_KEY, f.kind());
      }
    }
    assertFalse(found.toString().contains(key.substring(21)));
  }
}
