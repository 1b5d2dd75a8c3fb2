package dev.strongroom.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EnvReferencesTest {
  private static final String CANARY = "CANARY-env-91b2";

  private final List<String> asked = new ArrayList<>();
  private final List<SecretValue> handedOut = new ArrayList<>();
  private final Function<String, SecretValue> lookup =
      ref -> {
        asked.add(ref);
        if (ref.contains("missing")) {
          throw new NotFoundException("no secret " + ref);
        }
        SecretValue value = SecretValue.ofUtf8("value-of-" + ref);
        handedOut.add(value);
        return value;
      };

  @Test
  void resolve_references_goThroughLookupByVariableName() {
    Map<String, String> env =
        Map.of(
            "DB_PASSWORD", "strongroom:db/password",
            "API_KEY", "strongroom:api/key?version=3",
            "OLD_PASSWORD", "strongroom:db/password?stage=previous",
            "HOME", "/home/app");

    Map<String, SecretValue> resolved = EnvReferences.resolve(env, lookup);

    assertEquals(List.of("API_KEY", "DB_PASSWORD", "OLD_PASSWORD"), List.copyOf(resolved.keySet()));
    assertEquals("value-of-strongroom:db/password", resolved.get("DB_PASSWORD").copyUtf8String());
    assertEquals(
        List.of(
            "strongroom:api/key?version=3",
            "strongroom:db/password",
            "strongroom:db/password?stage=previous"),
        asked);
  }

  @Test
  void isValid_acceptsTheGrammarOnly() {
    assertTrue(EnvReferences.isValid("strongroom:a"));
    assertTrue(EnvReferences.isValid("strongroom:tenant-1/db.password_x?stage=PENDING"));
    assertFalse(EnvReferences.isValid("strongroom:"));
    assertFalse(EnvReferences.isValid("strongroom:/abs"));
    assertFalse(EnvReferences.isValid("strongroom:a?version=0"));
    assertFalse(EnvReferences.isValid("strongroom:a?version=x"));
    assertFalse(EnvReferences.isValid("strongroom:a?stage=LATEST"));
    assertFalse(EnvReferences.isValid("strongroom:a?version=1&stage=CURRENT"));
    assertFalse(EnvReferences.isValid("strongroom:a b"));
    assertFalse(EnvReferences.isValid("vault:a"));
  }

  @Test
  void resolve_malformedReference_namesTheVariableNotTheValue_andWipesResolved() {
    Map<String, String> env =
        Map.of("A_GOOD", "strongroom:db/password", "B_BAD", "strongroom:" + CANARY + " x");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EnvReferences.resolve(env, lookup));

    assertTrue(e.getMessage().contains("B_BAD"));
    assertFalse(e.getMessage().contains(CANARY));
    assertTrue(handedOut.get(0).isWiped());
  }

  @Test
  void resolve_lookupFails_propagatesAndWipesResolved() {
    Map<String, String> env = Map.of("A", "strongroom:db/password", "B", "strongroom:missing");

    assertThrows(NotFoundException.class, () -> EnvReferences.resolve(env, lookup));
    assertTrue(handedOut.get(0).isWiped());
  }

  @Test
  void systemVariables_propertyOverridesEnvironment() {
    Properties properties = new Properties();
    properties.setProperty("DB_PASSWORD", "strongroom:from/property");
    properties.setProperty("db.password", "strongroom:db/password");

    Map<String, String> all =
        EnvReferences.systemVariables(
            Map.of("DB_PASSWORD", "strongroom:from/env", "X", "1"), properties);

    assertEquals("strongroom:from/property", all.get("DB_PASSWORD"));
    assertEquals("strongroom:db/password", all.get("db.password"));
    assertEquals("1", all.get("X"));
  }

  @Test
  void resolveSystem_findsASystemProperty() {
    System.setProperty("strongroom.test.ref", "strongroom:sys/prop");
    try {
      Map<String, SecretValue> resolved = EnvReferences.resolveSystem(lookup);

      assertEquals(
          "value-of-strongroom:sys/prop", resolved.get("strongroom.test.ref").copyUtf8String());
    } finally {
      System.clearProperty("strongroom.test.ref");
    }
  }
}
