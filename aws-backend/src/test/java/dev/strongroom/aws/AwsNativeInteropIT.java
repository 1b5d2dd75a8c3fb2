package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.spi.SecretVersion;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 with boto3 against the real moto server, both directions: {@code
 * json.loads(SecretString)["password"]} reads what Strongroom wrote and Strongroom reads what boto3
 * wrote, byte for byte; a single value is a plain SecretString (SecretBinary for bytes that are not
 * text); native writes are followed, natively written secrets rotate, PENDING is never AWSCURRENT,
 * and names boto3 may use round-trip.
 */
class AwsNativeInteropIT {
  private static final String PASSWORD = "pä$\"s w0rd✓";
  // VersionStage='AWSCURRENT' is what AWS serves by default; moto 5.2.5 serves a stale version to
  // a read without it after UpdateSecretVersionStage, so the snippets say it explicitly.
  private static final String GET_FIELD =
      "v = sm.get_secret_value(SecretId=args[0], VersionStage='AWSCURRENT')\n"
          + "out.write(json.loads(v['SecretString'])[args[1]].encode('utf-8'))\n";
  private static final String GET_CURRENT =
      "v = sm.get_secret_value(SecretId=args[0], VersionStage='AWSCURRENT')\n"
          + "out.write(v['SecretString'].encode('utf-8') if 'SecretString' in v"
          + " else b'BINARY:' + v['SecretBinary'].hex().encode())\n";

  private String ns;
  private Strongroom room;

  @BeforeEach
  void setUp() {
    Boto3.python();
    ns = MotoServers.namespace();
    room = Strongroom.builder().backend(MotoServers.open(ns)).build();
  }

  @AfterEach
  void tearDown() {
    if (room != null) {
      room.close();
    }
  }

  private String id(String name) {
    return ns + "/" + name;
  }

  @Test
  void strongroomWritesFields_boto3ReadsJsonField() {
    room.put(
        "db/creds",
        Map.of("username", SecretValue.ofUtf8("app"), "password", SecretValue.ofUtf8(PASSWORD)));
    assertArrayEquals(
        PASSWORD.getBytes(StandardCharsets.UTF_8),
        Boto3.run(GET_FIELD, id("db/creds"), "password"));
    assertEquals("app", Boto3.text(GET_FIELD, id("db/creds"), "username"));
  }

  @Test
  void strongroomWritesSingleValues_boto3ReadsPlainStringOrBinary() {
    room.put("plain", SecretValue.ofUtf8(PASSWORD));
    assertEquals(PASSWORD, Boto3.text(GET_CURRENT, id("plain")));
    byte[] bytes = {(byte) 0xff, 0, 1, (byte) 0xc3, 0x28};
    room.put("bin", SecretValue.of(bytes));
    assertEquals("BINARY:" + HexFormat.of().formatHex(bytes), Boto3.text(GET_CURRENT, id("bin")));
  }

  @Test
  void boto3WritesJson_strongroomReadsFieldsAndWhole() {
    String json =
        "{\"username\": \"app\", \"password\": \"" + PASSWORD.replace("\"", "\\\"") + "\"}";
    Boto3.run("sm.create_secret(Name=args[0], SecretString=args[1])", id("db/creds"), json);
    assertEquals(PASSWORD, room.secret("db/creds", "password").copyUtf8String());
    assertEquals(
        PASSWORD, room.secret(SecretRef.parse("strongroom:db/creds#password")).copyUtf8String());
    assertArrayEquals(json.getBytes(StandardCharsets.UTF_8), room.secret("db/creds").copyBytes());
  }

  @Test
  void boto3Writes_afterStrongroom_isFollowed() {
    room.put("api", SecretValue.ofUtf8("from-strongroom"));
    Boto3.run(
        "sm.put_secret_value(SecretId=args[0], SecretString=args[1])", id("api"), "from-boto3");
    try (Strongroom other = Strongroom.builder().backend(MotoServers.open(ns)).build()) {
      assertEquals("from-boto3", other.secret("api").copyUtf8String());
    }
  }

  @Test
  void rotate_ofBoto3WrittenSecret_promotesAndBoto3ReadsIt() {
    Boto3.run(
        "sm.create_secret(Name=args[0], SecretString=json.dumps({'username': 'app', 'password': 'old'}))",
        id("db/creds"));
    SecretVersion promoted =
        room.rotate(
            "db/creds",
            new SecretRotator() {
              @Override
              public SecretValue generate(SecretValue current) {
                return SecretValue.ofUtf8("{\"password\":\"rotated\",\"username\":\"app\"}");
              }
            });
    assertTrue(promoted.version() > 0);
    assertEquals("rotated", Boto3.text(GET_FIELD, id("db/creds"), "password"));
    assertEquals("rotated", room.secret("db/creds", "password").copyUtf8String());
  }

  @Test
  void pending_isNeverWhatBoto3ReadsAsCurrent() {
    room.put("token", SecretValue.ofUtf8("current"));
    room.putPending("token", SecretValue.ofUtf8("pending"));
    assertEquals("current", Boto3.text(GET_CURRENT, id("token")));
  }

  @Test
  void names_boto3Allows_roundTrip() {
    for (String base : List.of("db@main", "a+b=c", "x.y_z-1")) {
      Boto3.run("sm.create_secret(Name=args[0], SecretString=args[1])", id(base), base);
    }
    List<String> listed = room.list("");
    assertEquals(List.of("a+b=c", "db@main", "x.y_z-1"), listed);
    for (String name : listed) {
      assertEquals(name, room.secret(name).copyUtf8String());
    }
  }

  @Test
  void rejectedRotation_ofBoto3Secret_keepsCurrentAndSaysWhatIsCurrent() {
    Boto3.run("sm.create_secret(Name=args[0], SecretString=args[1])", id("token"), "native");
    dev.strongroom.exception.StrongroomException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.strongroom.exception.StrongroomException.class,
            () ->
                room.rotate(
                    "token",
                    new SecretRotator() {
                      @Override
                      public SecretValue generate(SecretValue current) {
                        return SecretValue.ofUtf8("unverified");
                      }

                      @Override
                      public boolean verify(SecretValue pending) {
                        return false;
                      }
                    }));
    assertTrue(e.getMessage().contains("CURRENT is a version another tool wrote"), e.getMessage());
    assertEquals("native", Boto3.text(GET_CURRENT, id("token")));
    assertEquals("native", room.secret("token").copyUtf8String());
  }
}
