package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.env.EnvReferences;
import dev.strongroom.exception.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The value model of issue 13 on the memory backend: a secret is a single value or a set of named
 * fields; one field is read with {@code room.secret(name, field)} and with {@code
 * strongroom:db/creds#password}; names of the one alphabet round-trip.
 */
class ValueModelTest {
  private static final String CANARY = "CANARY-fields-51c0";

  @Test
  void putFields_readsWholeAsJsonObject_andOneFieldByAccessorAndReference() {
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put(
          "db/creds",
          Map.of("username", SecretValue.ofUtf8("app"), "password", SecretValue.ofUtf8("pä$\"s")));

      assertEquals(
          "{\"password\":\"pä$\\\"s\",\"username\":\"app\"}",
          room.secret("db/creds").copyUtf8String());
      assertEquals("pä$\"s", room.secret("db/creds", "password").copyUtf8String());
      assertEquals(
          "app", room.secret(SecretRef.parse("strongroom:db/creds#username")).copyUtf8String());
      assertEquals(
          "pä$\"s",
          room.secret(SecretRef.parse("strongroom:db/creds#password?version=1")).copyUtf8String());
    }
  }

  @Test
  void singleValue_staysWhatItWas_andHasNoFields() {
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put("db/password", SecretValue.ofUtf8("s3cret"));
      assertEquals("s3cret", room.secret("db/password").copyUtf8String());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> room.secret("db/password", "x"));
      assertTrue(e.getMessage().contains("single value"), e.getMessage());
    }
  }

  @Test
  void missingField_namesTheFieldsNotTheValues() {
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put("db/creds", Map.of("password", SecretValue.ofUtf8(CANARY)));
      NotFoundException e =
          assertThrows(NotFoundException.class, () -> room.secret("db/creds", "user"));
      assertTrue(e.getMessage().contains("[password]"), e.getMessage());
      assertFalse(e.getMessage().contains(CANARY));
    }
  }

  @Test
  void fieldValueNotText_isRefusedNamingTheField() {
    try (Strongroom room = Strongroom.open("memory:")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> room.put("bin", Map.of("key", SecretValue.of(new byte[] {(byte) 0xff, 0}))));
      assertTrue(e.getMessage().contains("'key'"), e.getMessage());
      assertThrows(NotFoundException.class, () -> room.secret("bin"));
    }
  }

  @Test
  void envReference_withField_resolves() {
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put("db/creds", Map.of("password", SecretValue.ofUtf8("pw")));
      assertTrue(EnvReferences.isValid("strongroom:db/creds#password"));
      Map<String, SecretValue> resolved =
          EnvReferences.resolve(
              Map.of("DB_PASSWORD", "strongroom:db/creds#password"),
              ref -> room.secret(SecretRef.parse(ref)));
      assertEquals("pw", resolved.get("DB_PASSWORD").copyUtf8String());
    }
  }

  @Test
  void secretRef_field_parsesAndPrints() {
    SecretRef ref = SecretRef.parse("strongroom:db/creds#password?stage=PREVIOUS");
    assertEquals("db/creds", ref.name());
    assertEquals("password", ref.field().orElseThrow());
    assertEquals(Stage.PREVIOUS, ref.stage());
    assertEquals(ref, SecretRef.parse(ref.toString()));
    assertEquals(ref, SecretRef.parse("strongroom:db/creds?stage=PREVIOUS#password"));
    assertThrows(IllegalArgumentException.class, () -> SecretRef.parse("strongroom:db/creds#"));
    assertTrue(SecretRef.parse("strongroom:db/creds").field().isEmpty());
  }

  @Test
  void names_ofTheOneAlphabet_roundTripThroughList() {
    List<String> names = List.of("db@main", "a+b=c", "x/y.z_w-1");
    try (Strongroom room = Strongroom.open("memory:")) {
      for (String name : names) {
        room.put(name, SecretValue.ofUtf8(name));
      }
      for (String listed : room.list("")) {
        assertEquals(listed, room.secret(listed).copyUtf8String());
      }
      assertEquals(new ArrayList<>(new java.util.TreeSet<>(names)), room.list(""));
    }
  }

  @Test
  void names_areNfcNormalisedBeforeTheGuard_andOthersRefused() {
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put("\u212Aey", SecretValue.ofUtf8("v")); // KELVIN SIGN: NFC makes it 'K'
      assertEquals(List.of("Key"), room.list(""));
      assertEquals("v", room.secret("Key").copyUtf8String());
      for (String bad : List.of("a#b", "a*b", "a?b", "ünï", "a b")) {
        assertThrows(IllegalArgumentException.class, () -> room.put(bad, SecretValue.ofUtf8("v")));
      }
    }
  }

  @Test
  void binarySingleValue_roundTripsByteForByte() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    try (Strongroom room = Strongroom.open("memory:")) {
      room.put("bin", SecretValue.of(bytes));
      assertArrayEquals(bytes, room.secret("bin").copyBytes());
    }
  }

  @Test
  void tenantSecret_withFields_readsOneField() {
    try (Strongroom room = Strongroom.open("memory:")) {
      Strongroom tenant = room.tenant("acme");
      tenant.keys().create("default");
      Map<String, SecretValue> fields = new TreeMap<>();
      fields.put("password", SecretValue.ofUtf8("t-pw"));
      tenant.put("db/creds", fields);
      assertEquals("t-pw", tenant.secret("db/creds", "password").copyUtf8String());
    }
  }

  /** Field values never reach an exception message or a toString, whatever goes wrong. */
  @Test
  void canaryInFields_neverInMessagesOrToString() {
    List<String> printed = new ArrayList<>();
    try (Strongroom room = Strongroom.open("memory:")) {
      SecretValue canary = SecretValue.ofUtf8(CANARY);
      var version = room.put("db/creds", Map.of("password", canary));
      printed.add(version.toString());
      // a single value that starts like JSON but is not: field access must not quote it
      room.put("broken", SecretValue.ofUtf8("{\"password\": \"" + CANARY + "\""));
      room.put("array", SecretValue.ofUtf8("[\"" + CANARY + "\"]"));
      List<Throwable> thrown = new ArrayList<>();
      thrown.add(assertThrows(NotFoundException.class, () -> room.secret("db/creds", "user")));
      thrown.add(
          assertThrows(IllegalArgumentException.class, () -> room.secret("broken", "password")));
      thrown.add(assertThrows(IllegalArgumentException.class, () -> room.secret("array", "x")));
      thrown.add(
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  room.put(
                      "bad",
                      Map.of(
                          "ok",
                          SecretValue.ofUtf8(CANARY),
                          "bin",
                          SecretValue.of(new byte[] {(byte) 0xfe})))));
      SecretValue field = room.secret("db/creds", "password");
      printed.add(field.toString());
      printed.add(room.metadata("db/creds").toString());
      printed.add(
          new dev.strongroom.spi.WriteRequest("x", canary, Stage.CURRENT, -1, true).toString());
      for (Throwable t : thrown) {
        for (Throwable c = t; c != null; c = c.getCause()) {
          printed.add(String.valueOf(c.getMessage()));
          printed.add(c.toString());
        }
      }
      for (String text : printed) {
        assertFalse(text.contains("CANARY"), () -> "canary leaked into: " + text);
      }
      assertEquals(CANARY, field.copyUtf8String());
    }
  }
}
