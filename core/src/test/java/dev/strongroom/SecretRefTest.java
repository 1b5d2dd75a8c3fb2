package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRefTest {

  @Test
  void parse_plainName_selectsCurrent() {
    SecretRef ref = SecretRef.parse("strongroom:db/password");
    assertEquals("db/password", ref.name());
    assertEquals(0, ref.version());
    assertEquals(Stage.CURRENT, ref.stage());
    assertEquals("strongroom:db/password", ref.toString());
  }

  @Test
  void parse_version_selectsVersion() {
    SecretRef ref = SecretRef.parse("strongroom:db/password?version=3");
    assertEquals(3, ref.version());
    assertEquals(SecretRef.ofVersion("db/password", 3), ref);
    assertEquals("strongroom:db/password?version=3", ref.toString());
  }

  @Test
  void parse_stage_selectsStage() {
    SecretRef ref = SecretRef.parse("strongroom:db/password?stage=PENDING");
    assertEquals(Stage.PENDING, ref.stage());
    assertEquals(SecretRef.ofStage("db/password", Stage.PENDING), ref);
    assertEquals(ref, SecretRef.parse(ref.toString()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "db/password",
        "strongroom:",
        "strongroom:?version=1",
        "strongroom:db//password",
        "strongroom:/db",
        "strongroom:db/../x",
        "strongroom:db pass",
        "strongroom:db?version=0",
        "strongroom:db?version=-1",
        "strongroom:db?version=abc",
        "strongroom:db?stage=LATEST",
        "strongroom:db?version=1&stage=CURRENT",
        "strongroom:db?token=hunter2",
        "strongroom:db?version",
        "vault:db/password"
      })
  void parse_malformed_throwsClearMessage(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SecretRef.parse(text));
    assertTrue(e.getMessage().startsWith("expected"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }
}
