package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.RewrapListener;
import dev.strongroom.RewrapSummary;
import dev.strongroom.Strongroom;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.EnvelopeStats;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.testkit.CountingKeyService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Envelope encryption through the room with its {@code default} KEK in KMS (moto): the data-key
 * cache makes 10,000 messages cost one GenerateDataKey, the context is bound, and {@link
 * Strongroom#rewrapAll} moves old ciphertexts to the rotated key with ReEncrypt. Counters come from
 * a {@link CountingKeyService} between the room and the AWS key service, and from the envelope's
 * own stats.
 *
 * <p>moto gap: RotateKeyOnDemand records a rotation but makes no new key material, so "the new key"
 * is proven by our own version number in the wrapped key (which KMS's ciphertext does not expose)
 * and by the minimum decryption version refusing the old wraps while the rewrapped ones still open;
 * on real KMS the ReEncrypt output is also under the new material.
 */
class RoomEnvelopeIT {
  private static final EncryptionContext CONTEXT =
      EncryptionContext.of("table", "orders", "tenant", "acme");

  private String ns;
  private CountingBackend backend;
  private Strongroom room;

  @BeforeEach
  void open() {
    ns = MotoServers.namespace();
    backend = new CountingBackend(MotoServers.open(ns));
    room = Strongroom.builder().backend(backend).build();
  }

  @AfterEach
  void close() {
    room.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A second room on the same KMS keys, with cold caches. */
  private Strongroom freshRoom(CountingBackend counting) {
    return Strongroom.builder().backend(counting).build();
  }

  @Test
  void tenThousandMessages_throughRoom_costOneGenerateDataKey() {
    CountingKeyService kms = backend.counters();
    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ciphertexts.add(room.encrypt(bytes("order " + i), CONTEXT));
    }

    EnvelopeStats stats = room.envelope().stats();
    System.out.printf(
        "[RoomEnvelopeIT] 10000 messages: GenerateDataKey=%d Encrypt=%d Decrypt=%d ReEncrypt=%d,"
            + " envelope stats %s%n",
        kms.generates.get(), kms.wraps.get(), kms.unwraps.get(), kms.rewraps.get(), stats);
    assertEquals(1, kms.generates.get());
    assertEquals(1, kms.calls());
    assertEquals(1, stats.encryptMisses());
    assertEquals(9_999, stats.encryptHits());
    assertEquals(1, stats.kekCalls());

    CountingBackend readerBackend = new CountingBackend(MotoServers.open(ns));
    try (Strongroom reader = freshRoom(readerBackend)) {
      for (int i = 0; i < 10_000; i += 1_000) {
        assertArrayEquals(bytes("order " + i), reader.decrypt(ciphertexts.get(i), CONTEXT));
      }
      assertEquals(1, readerBackend.counters().unwraps.get()); // one Decrypt for the shared DEK
      assertEquals(1, readerBackend.counters().calls());
    }
  }

  @Test
  void wrongContext_throughRoom_failsWithTheGenericMessage() {
    byte[] ciphertext = room.encrypt(bytes("card 4111"), CONTEXT);
    List<EncryptionContext> wrong =
        List.of(
            EncryptionContext.of("table", "orders", "tenant", "other"),
            EncryptionContext.of("table", "orders"),
            EncryptionContext.of(
                java.util.Map.of("table", "orders", "tenant", "acme", "extra", "x")));
    for (EncryptionContext context : wrong) {
      InvalidCiphertextException warm =
          assertThrows(InvalidCiphertextException.class, () -> room.decrypt(ciphertext, context));
      assertEquals(InvalidCiphertextException.MESSAGE, warm.getMessage());
    }
    CountingBackend coldBackend = new CountingBackend(MotoServers.open(ns));
    try (Strongroom cold = freshRoom(coldBackend)) {
      for (EncryptionContext context : wrong) {
        InvalidCiphertextException e =
            assertThrows(InvalidCiphertextException.class, () -> cold.decrypt(ciphertext, context));
        assertEquals(InvalidCiphertextException.MESSAGE, e.getMessage());
      }
      assertArrayEquals(bytes("card 4111"), cold.decrypt(ciphertext, CONTEXT));
    }
  }

  @Test
  void rewrapAll_afterRotation_movesOldCiphertextsToTheNewKeyVersion() {
    CountingKeyService kms = backend.counters();
    List<byte[]> old = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      old.add(room.encrypt(bytes("row " + i), CONTEXT));
    }
    KeyInfo rotated = room.keys().rotate("default");
    assertEquals(2, rotated.primaryVersion());

    byte[][] moved = new byte[old.size()][];
    List<Long> progress = new ArrayList<>();
    RewrapSummary summary =
        room.rewrapAll(
            old,
            new RewrapListener() {
              @Override
              public void rewrapped(long index, byte[] ciphertext) {
                moved[(int) index] = ciphertext;
                progress.add(index);
              }

              @Override
              public void failed(long index, StrongroomException failure) {
                throw new AssertionError("ciphertext " + index + " failed", failure);
              }
            });

    System.out.printf(
        "[RoomEnvelopeIT] rewrapAll of 50 ciphertexts: %s, ReEncrypt=%d%n",
        summary, kms.rewraps.get());
    assertEquals(new RewrapSummary(50, 0), summary);
    assertEquals(50, progress.size());
    assertTrue(kms.rewraps.get() >= 1, "expected ReEncrypt calls");
    for (int i = 0; i < old.size(); i++) {
      assertFalse(Arrays.equals(old.get(i), moved[i]), "ciphertext " + i + " unchanged");
    }

    // Retire version 1: the old ciphertexts no longer open, the moved ones do, in a cold room.
    room.keys().setMinDecryptionVersion("default", 2);
    CountingBackend coldBackend = new CountingBackend(MotoServers.open(ns));
    try (Strongroom cold = freshRoom(coldBackend)) {
      for (int i = 0; i < old.size(); i++) {
        byte[] stale = old.get(i);
        assertThrows(InvalidCiphertextException.class, () -> cold.decrypt(stale, CONTEXT));
        assertArrayEquals(bytes("row " + i), cold.decrypt(moved[i], CONTEXT));
      }
    }
  }
}
