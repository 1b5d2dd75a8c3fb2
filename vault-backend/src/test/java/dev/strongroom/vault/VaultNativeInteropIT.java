package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.SecretVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 with the native {@code bao} CLI against the real OpenBao dev server, both directions:
 * what {@code bao kv put} writes Strongroom reads and rotates, what Strongroom writes {@code bao kv
 * get} reads byte for byte, PENDING never reaches a native reader, native writes are followed, and
 * names {@code list} returns read back.
 */
class VaultNativeInteropIT {
  private static final String PASSWORD = "pä$\"s w0rd✓";

  private Strongroom room;
  private String root;

  @BeforeEach
  void setUp() {
    BaoCli.binary();
    room = Strongroom.builder().backend(VaultServers.devBackend()).build();
    root = VaultServers.unique("native");
  }

  @AfterEach
  void tearDown() {
    if (room == null) {
      return; // the CLI is missing: setUp failed or skipped
    }
    BaoCli.exec("kv", "metadata", "delete", "-mount=secret", root); // best effort
    room.close();
  }

  private static String get(String field, String name) {
    return BaoCli.text("kv", "get", "-mount=secret", "-field=" + field, name);
  }

  /** Issue item 1: rotating a secret written with bao kv put promotes, and bao serves it. */
  @Test
  void rotate_ofNativelyWrittenSecret_promotesAndBaoServesTheNewValue() {
    String name = root + "/db/creds";
    BaoCli.run("kv", "put", "-mount=secret", name, "username=app", "password=old-pw");
    BaoCli.run("kv", "put", "-mount=secret", name, "username=app", "password=" + PASSWORD);

    SecretVersion promoted = room.rotate(name, fieldRotator("password", "rotated-pw"));

    assertEquals(3, promoted.version());
    assertEquals("rotated-pw", get("password", name));
    assertEquals("app", get("username", name));
    assertEquals("rotated-pw", room.secret(name, "password").copyUtf8String());
    assertEquals(
        PASSWORD,
        room.secret(SecretRef.parse("strongroom:" + name + "#password?stage=PREVIOUS"))
            .copyUtf8String());
  }

  /** Issue item 2: after Strongroom wrote, a later bao kv put is what Strongroom reads. */
  @Test
  void nativeWrite_afterStrongroomWrote_isFollowed() {
    String name = root + "/api";
    room.put(name, SecretValue.ofUtf8("from-strongroom"));
    BaoCli.run("kv", "put", "-mount=secret", name, "value=from-bao");

    try (Strongroom other = Strongroom.builder().backend(VaultServers.devBackend()).build()) {
      assertEquals("from-bao", other.secret(name).copyUtf8String());
      assertEquals(2, other.metadata(name).withStage(Stage.CURRENT).orElseThrow().version());
      assertEquals(1, other.metadata(name).withStage(Stage.PREVIOUS).orElseThrow().version());
    }
  }

  /** Issue item 3: a PENDING value, even one verify rejected, is never what bao kv get serves. */
  @Test
  void pending_andRejectedRotation_neverReachNativeReaders() {
    String name = root + "/token";
    room.put(name, SecretValue.ofUtf8("current"));
    room.putPending(name, SecretValue.ofUtf8("pending-unverified"));
    assertEquals("current", get("value", name));

    SecretRotator rejecting =
        new SecretRotator() {
          @Override
          public SecretValue generate(SecretValue current) {
            return SecretValue.ofUtf8("rejected-by-verify");
          }

          @Override
          public boolean verify(SecretValue pending) {
            return false;
          }
        };
    StrongroomException e =
        assertThrows(StrongroomException.class, () -> room.rotate(name, rejecting));
    assertTrue(e.getMessage().contains("CURRENT is version 1"), e.getMessage());
    assertEquals("current", get("value", name));
    assertEquals("current", room.secret(name).copyUtf8String());
    String versions = BaoCli.text("kv", "metadata", "get", "-mount=secret", "-format=json", name);
    assertTrue(versions.contains("\"current_version\": 1"), versions);
  }

  /** Issue item 4, Strongroom to bao: fields, text and bytes, byte for byte. */
  @Test
  void strongroomWrites_baoReadsByteForByte() {
    String creds = root + "/db/creds";
    room.put(
        creds,
        Map.of("username", SecretValue.ofUtf8("app"), "password", SecretValue.ofUtf8(PASSWORD)));
    assertArrayEquals(
        PASSWORD.getBytes(StandardCharsets.UTF_8),
        BaoCli.run("kv", "get", "-mount=secret", "-field=password", creds));
    assertEquals("app", get("username", creds));

    String text = root + "/plain";
    room.put(text, SecretValue.ofUtf8(PASSWORD));
    assertEquals(PASSWORD, get("value", text));

    byte[] bytes = {(byte) 0xff, 0, 1, (byte) 0xc3, 0x28, 42};
    String binary = root + "/binary";
    room.put(binary, SecretValue.of(bytes));
    assertEquals(Base64.getEncoder().encodeToString(bytes), get("value", binary));
    String meta = BaoCli.text("kv", "metadata", "get", "-mount=secret", "-format=json", binary);
    assertTrue(meta.contains("strongroom-base64-v1-"), meta);
    assertArrayEquals(bytes, room.secret(binary).copyBytes());
  }

  /** Issue item 4, bao to Strongroom: fields one by one, the whole as JSON, a single value. */
  @Test
  void baoWrites_strongroomReadsByteForByte() {
    String creds = root + "/db/creds";
    BaoCli.run("kv", "put", "-mount=secret", creds, "username=app", "password=" + PASSWORD);
    assertEquals(PASSWORD, room.secret(creds, "password").copyUtf8String());
    assertEquals(
        PASSWORD,
        room.secret(SecretRef.parse("strongroom:" + creds + "#password")).copyUtf8String());
    assertEquals(
        "{\"password\":\"" + PASSWORD.replace("\"", "\\\"") + "\",\"username\":\"app\"}",
        room.secret(creds).copyUtf8String());

    String single = root + "/single";
    BaoCli.run("kv", "put", "-mount=secret", single, "value=" + PASSWORD);
    assertArrayEquals(PASSWORD.getBytes(StandardCharsets.UTF_8), room.secret(single).copyBytes());
  }

  /** Issue item 5: names bao allows round-trip or are not listed as readable. */
  @Test
  void names_listedByStrongroom_allReadBack() {
    for (String base : List.of("db@main", "a+b=c", "x.y_z-1")) {
      BaoCli.run("kv", "put", "-mount=secret", root + "/" + base, "value=" + base);
    }
    BaoCli.run("kv", "put", "-mount=secret", root + "/ünï", "value=unicode");
    BaoCli.run("kv", "put", "-mount=secret", root + "/has space", "value=space");

    List<String> listed = room.list(root + "/");
    assertEquals(List.of(root + "/a+b=c", root + "/db@main", root + "/x.y_z-1"), listed);
    for (String name : listed) {
      assertEquals(name.substring(root.length() + 1), room.secret(name).copyUtf8String());
    }
    assertFalse(listed.stream().anyMatch(n -> n.contains("ü") || n.contains(" ")));
    Map<String, String> unreadable = room.listUnreadable(root + "/");
    assertEquals(List.of(root + "/has space", root + "/ünï"), List.copyOf(unreadable.keySet()));
    assertTrue(
        unreadable.get(root + "/ünï").contains("outside the name alphabet"), unreadable.toString());
  }

  /** A native write during a rotation wins; the promote fails saying what is CURRENT. */
  @Test
  void nativeWrite_duringRotation_winsAndThePromoteSaysWhatIsCurrent() {
    String name = root + "/race";
    room.put(name, SecretValue.ofUtf8("one"));
    SecretRotator racing =
        new SecretRotator() {
          @Override
          public SecretValue generate(SecretValue current) {
            return SecretValue.ofUtf8("from-rotation");
          }

          @Override
          public boolean verify(SecretValue pending) {
            BaoCli.run("kv", "put", "-mount=secret", name, "value=from-bao");
            return true;
          }
        };
    ConflictException e = assertThrows(ConflictException.class, () -> room.rotate(name, racing));
    assertTrue(e.getMessage().contains("CURRENT is version 2"), e.getMessage());
    assertEquals("from-bao", get("value", name));
    try (Strongroom other = Strongroom.builder().backend(VaultServers.devBackend()).build()) {
      assertEquals("from-bao", other.secret(name).copyUtf8String());
    }
  }

  private static SecretRotator fieldRotator(String field, String value) {
    return new SecretRotator() {
      @Override
      public SecretValue generate(SecretValue current) {
        String json = current.copyUtf8String();
        com.fasterxml.jackson.databind.node.ObjectNode node;
        try {
          node =
              (com.fasterxml.jackson.databind.node.ObjectNode)
                  new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        node.put(field, value);
        return SecretValue.ofUtf8(node.toString());
      }

      @Override
      public boolean verify(SecretValue pending) {
        return true;
      }
    };
  }
}
