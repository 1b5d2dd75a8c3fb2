package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrongroomTest {
  private static final String CANARY = "CANARY-facade-5b1d";

  private final MutableClock clock = MutableClock.create();
  private final Strongroom room =
      Strongroom.builder()
          .backend(MemoryBackend.create(clock))
          .clock(clock)
          .executor(Runnable::run)
          .build();

  @AfterEach
  void close() {
    room.close();
  }

  private static String text(SecretValue value) {
    return value.copyUtf8String();
  }

  @Test
  void open_memoryUri_findsBuiltInBackend() {
    try (Strongroom opened = Strongroom.open("memory:")) {
      opened.put("a", SecretValue.ofUtf8("x"));
      assertEquals("x", text(opened.secret("a")));
    }
  }

  @Test
  void open_unknownScheme_namesSchemeButNotCredentials() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Strongroom.open("nosuch://admin:hunter2@host:8200/x"));
    assertTrue(e.getMessage().contains("'nosuch'"), e.getMessage());
    assertTrue(e.getMessage().contains("memory"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void open_malformedUri_messageHasNoCredentials() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Strongroom.open("vault://admin:hunter2 x@host:8200"));
    assertTrue(e.getMessage().startsWith("expected a backend URI"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    IllegalArgumentException noScheme =
        assertThrows(IllegalArgumentException.class, () -> Strongroom.open("just-a-path"));
    assertTrue(noScheme.getMessage().contains("scheme"), noScheme.getMessage());
  }

  @Test
  void open_providerRejectsUserInfo_credentialRedacted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Strongroom.open("memory://user:hunter2@x"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void builder_withoutBackend_namesWhatIsMissing() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Strongroom.builder().build());
    assertTrue(e.getMessage().contains("backend"), e.getMessage());
  }

  @Test
  void put_thenSecret_returnsCopyOfCurrent() {
    SecretVersion v1 = room.put("db/password", SecretValue.ofUtf8("one"));
    SecretVersion v2 = room.put("db/password", SecretValue.ofUtf8("two"));

    SecretValue read = room.secret("db/password");
    read.wipe();

    assertEquals(1, v1.version());
    assertEquals(2, v2.version());
    assertEquals("two", text(room.secret("db/password")));
    assertEquals("one", text(room.secret(SecretRef.parse("strongroom:db/password?version=1"))));
    assertEquals(
        "one", text(room.secret(SecretRef.parse("strongroom:db/password?stage=PREVIOUS"))));
    assertEquals("two", text(room.secret(SecretRef.parse("strongroom:db/password"))));
  }

  @Test
  void secret_missing_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> room.secret("missing"));
    room.put("a", SecretValue.ofUtf8("x"));
    assertThrows(NotFoundException.class, () -> room.secret(SecretRef.ofVersion("a", 4)));
  }

  @Test
  void put_expectedVersion_checkAndSet() {
    room.put("a", SecretValue.ofUtf8("one"), 0);
    assertThrows(ConflictException.class, () -> room.put("a", SecretValue.ofUtf8("x"), 0));
    room.put("a", SecretValue.ofUtf8("two"), 1);
    ConflictException e =
        assertThrows(ConflictException.class, () -> room.put("a", SecretValue.ofUtf8(CANARY), 1));
    assertFalse(e.getMessage().contains(CANARY));
    assertEquals("two", text(room.secret("a")));
    assertThrows(IllegalArgumentException.class, () -> room.put("a", SecretValue.ofUtf8("x"), -1));
  }

  @Test
  void list_deleteUndeleteDestroy_behaveAsStore() {
    room.put("app/a", SecretValue.ofUtf8("1"));
    room.put("app/b", SecretValue.ofUtf8("2"));
    room.put("db/x", SecretValue.ofUtf8("3"));
    assertEquals(List.of("app/a", "app/b"), room.list("app/"));

    room.secret("app/a");
    room.delete("app/a");
    assertThrows(NotFoundException.class, () -> room.secret("app/a"));
    assertEquals(List.of("app/b"), room.list("app/"));
    room.undelete("app/a");
    assertEquals("1", text(room.secret("app/a")));

    room.put("app/a", SecretValue.ofUtf8("1b"));
    room.destroy("app/a", 1);
    SecretMetadata meta = room.metadata("app/a");
    assertTrue(meta.versions().get(0).destroyed());
    assertEquals("1b", text(room.secret("app/a")));
    room.destroy("app/a");
    assertThrows(NotFoundException.class, () -> room.metadata("app/a"));
  }

  @Test
  void badName_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> room.secret(""));
    assertThrows(IllegalArgumentException.class, () -> room.secret("../etc/passwd"));
    assertThrows(NullPointerException.class, () -> room.secret((String) null));
  }

  @Test
  void encryptDecrypt_withContext_roundTripsAndBindsContext() {
    byte[] plaintext = "4111-1111".getBytes(StandardCharsets.UTF_8);
    EncryptionContext context = EncryptionContext.of("table", "cards");

    byte[] ciphertext = room.encrypt(plaintext, context);

    assertArrayEquals(plaintext, room.decrypt(ciphertext, context));
    assertArrayEquals(plaintext, room.envelope().decrypt(ciphertext, context));
    assertThrows(
        InvalidCiphertextException.class,
        () -> room.decrypt(ciphertext, EncryptionContext.of("table", "other")));
  }

  @Test
  void keyRotation_rewrapAll_thenRetireOldVersion() {
    EncryptionContext context = EncryptionContext.empty();
    List<byte[]> old = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      old.add(room.encrypt(new byte[] {(byte) i}, context));
    }
    KeyInfo rotated = room.keys().rotate("default");
    List<byte[]> rewrapped = new ArrayList<>();
    List<Long> progress = new ArrayList<>();

    RewrapSummary summary =
        room.rewrapAll(
            old,
            (index, ciphertext) -> {
              progress.add(index);
              rewrapped.add(ciphertext);
            });
    KeyInfo retired = room.keys().setMinDecryptionVersion("default", 2);

    assertEquals(2, rotated.primaryVersion());
    assertEquals(new RewrapSummary(3, 0), summary);
    assertEquals(List.of(0L, 1L, 2L), progress);
    assertEquals(2, retired.minDecryptionVersion());
    assertEquals(2, room.keys().describe("default").minDecryptionVersion());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(new byte[] {(byte) i}, room.decrypt(rewrapped.get(i), context));
      byte[] stale = old.get(i);
      assertThrows(InvalidCiphertextException.class, () -> room.decrypt(stale, context));
    }
    assertArrayEquals(new byte[] {9}, room.decrypt(room.encrypt(new byte[] {9}, context), context));
  }

  @Test
  void rewrapAll_garbage_reportsFailureAndContinues() {
    byte[] good = room.encrypt(new byte[] {1}, EncryptionContext.empty());
    List<Long> failed = new ArrayList<>();
    RewrapSummary summary =
        room.rewrapAll(
            List.of(new byte[] {1, 2, 3}, good),
            new RewrapListener() {
              @Override
              public void rewrapped(long index, byte[] ciphertext) {}

              @Override
              public void failed(long index, dev.strongroom.exception.StrongroomException e) {
                failed.add(index);
              }
            });
    assertEquals(new RewrapSummary(1, 1), summary);
    assertEquals(List.of(0L), failed);
  }

  @Test
  void close_wipesCachedValuesAndRefusesReads() {
    room.put("a", SecretValue.ofUtf8("x"));
    room.secret("a");
    room.close();
    assertThrows(IllegalStateException.class, () -> room.secret("a"));
    assertFalse(room.toString().contains("x\""));
  }

  @Test
  void canary_neverInToStringOrMessages() {
    room.put("c", SecretValue.ofUtf8(CANARY));
    List<String> printed = new ArrayList<>();
    printed.add(room.toString());
    printed.add(room.secret("c").toString());
    printed.add(room.metadata("c").toString());
    printed.add(room.keys().toString());
    printed.add(
        assertThrows(ConflictException.class, () -> room.put("c", SecretValue.ofUtf8(CANARY), 0))
            .getMessage());
    printed.add(
        assertThrows(
                dev.strongroom.exception.StrongroomException.class,
                () ->
                    room.rotate(
                        "c",
                        current -> {
                          throw new IllegalStateException("rotator failed");
                        }))
            .getMessage());
    for (String s : printed) {
      assertFalse(s.contains(CANARY), s);
    }
  }
}
