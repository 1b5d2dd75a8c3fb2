package dev.strongroom.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.kek.LocalKeyring;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("table", "users");

  private final LocalKeyring keyring = LocalKeyring.inMemory();

  EnvelopeTest() {
    keyring.createKey("default");
  }

  @Test
  void encrypt_thenDecrypt_returnsPlaintext() {
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] plaintext = "hello, envelope".getBytes(StandardCharsets.UTF_8);

    byte[] ciphertext = envelope.encrypt(plaintext, CONTEXT);

    assertArrayEquals(plaintext, envelope.decrypt(ciphertext, CONTEXT));
    assertArrayEquals(
        plaintext, Envelope.of(Kek.of(keyring, "default")).decrypt(ciphertext, CONTEXT));
  }

  @Test
  void tenThousandMessages_costOneKekCall() {
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] plaintext = new byte[100];
    byte[] last = null;
    for (int i = 0; i < 10_000; i++) {
      last = envelope.encrypt(plaintext, CONTEXT);
    }
    EnvelopeStats stats = envelope.stats();
    assertEquals(1, stats.kekCalls());
    assertEquals(1, stats.encryptMisses());
    assertEquals(9_999, stats.encryptHits());
    assertArrayEquals(plaintext, envelope.decrypt(last, CONTEXT));
    assertEquals(2, envelope.stats().kekCalls());
  }

  @Test
  void decrypt_wrongContext_fails() {
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] ciphertext = envelope.encrypt(new byte[10], CONTEXT);

    InvalidCiphertextException e =
        assertThrows(
            InvalidCiphertextException.class,
            () -> envelope.decrypt(ciphertext, EncryptionContext.of("table", "orders")));
    assertEquals(InvalidCiphertextException.MESSAGE, e.getMessage());
  }

  @Test
  void rewrap_afterRotation_survivesRetirementOfOldVersion() {
    Kek kek = Kek.of(keyring, "default");
    Envelope envelope = Envelope.of(kek);
    byte[] plaintext = new byte[] {1, 2, 3};
    byte[] old = envelope.encrypt(plaintext, CONTEXT);

    keyring.rotate("default");
    byte[] rewrapped = envelope.rewrap(old);
    keyring.setMinDecryptionVersion("default", 2);

    Envelope fresh = Envelope.of(kek);
    assertArrayEquals(plaintext, fresh.decrypt(rewrapped, CONTEXT));
    assertThrows(InvalidCiphertextException.class, () -> fresh.decrypt(old, CONTEXT));
  }

  @Test
  void secondRecipient_opensWithoutThePrimaryKey() {
    LocalKeyring recovery = LocalKeyring.inMemory();
    recovery.createKey("offline");
    Envelope envelope =
        Envelope.builder().kek(Kek.of(keyring, "default")).kek(Kek.of(recovery, "offline")).build();
    byte[] ciphertext = envelope.encrypt(new byte[] {42}, CONTEXT);

    keyring.destroyKey("default");

    Envelope recoveryOnly = Envelope.of(Kek.of(recovery, "offline"));
    assertArrayEquals(new byte[] {42}, recoveryOnly.decrypt(ciphertext, CONTEXT));
  }

  @Test
  void destroyedKey_makesCiphertextUnreadable() {
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] ciphertext = envelope.encrypt(new byte[] {7}, CONTEXT);

    keyring.destroyKey("default");

    assertThrows(
        InvalidCiphertextException.class,
        () -> Envelope.of(Kek.of(keyring, "default")).decrypt(ciphertext, CONTEXT));
  }

  @Test
  void stream_roundTripsAndSharesTheCachedDek() throws Exception {
    Envelope envelope = Envelope.of(Kek.of(keyring, "default"));
    byte[] plaintext = new byte[100_000];
    new java.util.Random(1).nextBytes(plaintext);
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
      out.write(plaintext);
    }
    byte[] ciphertext = sink.toByteArray();

    byte[] streamed =
        envelope
            .decryptingStream(new java.io.ByteArrayInputStream(ciphertext), CONTEXT)
            .readAllBytes();

    assertArrayEquals(plaintext, streamed);
    assertArrayEquals(plaintext, envelope.decrypt(ciphertext, CONTEXT));
    assertEquals(2, envelope.stats().kekCalls());
  }

  @Test
  void streamRewrap_keepsBodyAndOpensAfterRetirement() throws Exception {
    Kek kek = Kek.of(keyring, "default");
    Envelope envelope = Envelope.of(kek);
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
      out.write(new byte[] {1, 2, 3});
    }
    keyring.rotate("default");
    java.io.ByteArrayOutputStream rewrapped = new java.io.ByteArrayOutputStream();
    envelope.rewrap(new java.io.ByteArrayInputStream(sink.toByteArray()), rewrapped);
    keyring.setMinDecryptionVersion("default", 2);

    assertArrayEquals(
        new byte[] {1, 2, 3}, Envelope.of(kek).decrypt(rewrapped.toByteArray(), CONTEXT));
  }
}
