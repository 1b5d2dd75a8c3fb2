package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.EnvelopeStats;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Envelope encryption with an AWS KMS KEK, against moto. */
class KmsEnvelopeIT {
  private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private String ns;
  private Backend backend;
  private KeyEncryptionService keys;

  @BeforeEach
  void open() {
    ns = MotoServers.namespace();
    backend = MotoServers.open(ns);
    keys = backend.keys();
    keys.createKey("orders");
  }

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void tenThousandMessages_costOneGenerateDataKey() {
    Envelope envelope = Envelope.of(Kek.of(keys, "orders"));
    byte[] last = null;
    for (int i = 0; i < 10_000; i++) {
      last = envelope.encrypt(("message " + i).getBytes(StandardCharsets.UTF_8), CONTEXT);
    }
    EnvelopeStats stats = envelope.stats();
    assertEquals(1, stats.encryptMisses());
    assertEquals(9_999, stats.encryptHits());
    assertEquals(1, stats.kekCalls());
    Envelope reader = Envelope.of(Kek.of(keys, "orders"));
    assertArrayEquals(
        "message 9999".getBytes(StandardCharsets.UTF_8), reader.decrypt(last, CONTEXT));
    assertEquals(1, reader.stats().kekCalls());
  }

  @Test
  void keyNames_listsOnlyTheKeysUnderTheRoomsAliasPrefix() {
    keys.createKey("other");
    assertEquals(List.of("default", "orders", "other"), keys.keyNames());
    keys.destroyKey("other");
    assertEquals(List.of("default", "orders"), keys.keyNames());
    // another room's prefix on the same account sees only its own default key
    Backend neighbour = MotoServers.open(MotoServers.namespace());
    try {
      assertEquals(List.of("default"), neighbour.keys().keyNames());
    } finally {
      neighbour.close();
    }
  }

  @Test
  void keyRef_isTheKeyArn() {
    String ref = keys.keyRef("orders");
    assertTrue(ref.startsWith("arn:aws:kms:us-east-1:"), ref);
    assertTrue(ref.contains(":key/"), ref);
    assertEquals(ref, keys.keyRef(ref)); // an ARN names the key directly
  }

  @Test
  void wrongEnvelopeContext_fails() {
    Envelope envelope = Envelope.of(Kek.of(keys, "orders"));
    byte[] ciphertext = envelope.encrypt(new byte[] {1, 2, 3}, CONTEXT);
    assertThrows(
        InvalidCiphertextException.class,
        () ->
            Envelope.of(Kek.of(keys, "orders"))
                .decrypt(ciphertext, EncryptionContext.of("tenant", "other")));
  }

  @Test
  void wrongKmsEncryptionContext_failsInKms() {
    GeneratedKey generated = keys.generate(new WrapRequest.Generate("orders", AAD));
    byte[] wrapped = generated.wrapped().wrapped();
    SecretValue dek = keys.unwrap(new UnwrapRequest("orders", wrapped, AAD));
    assertTrue(dek.equalsSecret(generated.dataKey()));
    assertThrows(
        InvalidCiphertextException.class,
        () ->
            keys.unwrap(
                new UnwrapRequest("orders", wrapped, "other".getBytes(StandardCharsets.UTF_8))));
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", wrapped, new byte[0])));
  }

  @Test
  void otherKeysCiphertext_failsInKms() {
    keys.createKey("other");
    WrappedKey wrapped = keys.generate(new WrapRequest.Generate("other", AAD)).wrapped();
    // Real KMS answers IncorrectKeyException (our InvalidCiphertextException); moto answers
    // AccessDeniedException. Either way the other key's data key is not released.
    StrongroomException e =
        assertThrows(
            StrongroomException.class,
            () -> keys.unwrap(new UnwrapRequest("orders", wrapped.wrapped(), AAD)));
    assertTrue(
        e instanceof InvalidCiphertextException || e instanceof AccessDeniedException,
        e.toString());
  }

  @Test
  void wrap_thenUnwrap_roundTrips() {
    SecretValue dek = SecretValue.of(new byte[32]);
    WrappedKey wrapped = keys.wrap(new WrapRequest("orders", dek, AAD));
    assertEquals(1, wrapped.keyVersion());
    assertTrue(keys.unwrap(new UnwrapRequest("orders", wrapped.wrapped(), AAD)).equalsSecret(dek));
  }

  @Test
  void rotate_thenRewrap_movesOldCiphertextsToNewVersion() {
    Envelope envelope = Envelope.of(Kek.of(keys, "orders"));
    byte[] old = envelope.encrypt("old data".getBytes(StandardCharsets.UTF_8), CONTEXT);
    KeyInfo rotated = keys.rotate("orders");
    assertEquals(2, rotated.primaryVersion());
    assertEquals(List.of(1, 2), rotated.versions());

    byte[] rewrapped = Envelope.of(Kek.of(keys, "orders")).rewrap(old);
    assertFalse(java.util.Arrays.equals(old, rewrapped));
    assertArrayEquals(
        "old data".getBytes(StandardCharsets.UTF_8),
        Envelope.of(Kek.of(keys, "orders")).decrypt(rewrapped, CONTEXT));

    GeneratedKey v1 = null;
    // The wrapped form records the version: a fresh wrap is v2, a rewrap of it stays v2.
    v1 = keys.generate(new WrapRequest.Generate("orders", AAD));
    assertEquals(2, v1.wrapped().keyVersion());
    WrappedKey moved = keys.rewrap(new UnwrapRequest("orders", v1.wrapped().wrapped(), AAD));
    assertEquals(2, moved.keyVersion());
    assertTrue(
        keys.unwrap(new UnwrapRequest("orders", moved.wrapped(), AAD)).equalsSecret(v1.dataKey()));
  }

  @Test
  void minDecryptionVersion_retiresOldWrapsUntilRewrapped() {
    WrappedKey v1 = keys.wrap(new WrapRequest("orders", SecretValue.of(new byte[32]), AAD));
    keys.rotate("orders");
    WrappedKey moved = keys.rewrap(new UnwrapRequest("orders", v1.wrapped(), AAD));
    assertEquals(2, moved.keyVersion());
    KeyInfo info = keys.setMinDecryptionVersion("orders", 2);
    assertEquals(2, info.minDecryptionVersion());
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", v1.wrapped(), AAD)));
    assertEquals(32, keys.unwrap(new UnwrapRequest("orders", moved.wrapped(), AAD)).length());
    assertThrows(IllegalArgumentException.class, () -> keys.setMinDecryptionVersion("orders", 3));
  }

  /** The wrapped key with its 4 version bytes (after the format byte) set to {@code version}. */
  private static byte[] withVersion(byte[] wrapped, int version) {
    byte[] edited = wrapped.clone();
    java.nio.ByteBuffer.wrap(edited, 1, 4).putInt(version);
    return edited;
  }

  @Test
  void wrappedForm_isFormat2_withTheVersionLabel() {
    WrappedKey wrapped = keys.wrap(new WrapRequest("orders", SecretValue.of(new byte[32]), AAD));
    assertEquals(2, wrapped.wrapped()[0]);
    assertEquals(1, java.nio.ByteBuffer.wrap(wrapped.wrapped(), 1, 4).getInt());
    byte[] format1 = wrapped.wrapped().clone();
    format1[0] = 1;
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", format1, AAD)));
  }

  @Test
  void retiredVersion_editedVersionBytes_isRefusedByKms() {
    WrappedKey v1 = keys.wrap(new WrapRequest("orders", SecretValue.of(new byte[32]), AAD));
    keys.rotate("orders");
    keys.setMinDecryptionVersion("orders", 2);
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", v1.wrapped(), AAD)));

    byte[] forged = withVersion(v1.wrapped(), 2); // passes the client-side minimum check
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", forged, AAD)));
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.rewrap(new UnwrapRequest("orders", forged, AAD)));
    byte[] ahead = withVersion(v1.wrapped(), 7);
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest("orders", ahead, AAD)));
  }

  @Test
  void retiredVersion_editedVersionBytes_envelopeRefuses() {
    Envelope envelope = Envelope.of(Kek.of(keys, "orders"));
    byte[] old = envelope.encrypt("retired".getBytes(StandardCharsets.UTF_8), CONTEXT);
    keys.rotate("orders");
    keys.setMinDecryptionVersion("orders", 2);
    dev.strongroom.internal.envelope.EnvelopeHeader header =
        dev.strongroom.internal.envelope.EnvelopeHeader.parse(old);
    var recipient = header.recipients().get(0);
    byte[] edited = old.clone();
    int versionAt = 35 + 1 + recipient.ref().length + 2 + 1; // past the format byte
    assertEquals(1, java.nio.ByteBuffer.wrap(edited, versionAt, 4).getInt());
    java.nio.ByteBuffer.wrap(edited, versionAt, 4).putInt(2);

    try (Backend fresh = MotoServers.open(ns)) {
      assertThrows(
          InvalidCiphertextException.class,
          () -> Envelope.of(Kek.of(fresh.keys(), "orders")).decrypt(edited, CONTEXT));
    }
  }

  @Test
  void moto_enforcesTheEncryptionContextOnDecrypt() {
    WrappedKey wrapped = keys.wrap(new WrapRequest("orders", SecretValue.of(new byte[32]), AAD));
    String arn = keys.keyRef("orders");
    byte[] blob = java.util.Arrays.copyOfRange(wrapped.wrapped(), 5, wrapped.wrapped().length);
    String aad = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(AAD);
    try (var raw = MotoServers.rawKms(MotoServers.endpoint())) {
      java.util.function.Function<String, byte[]> decrypt =
          version ->
              raw.decrypt(
                      b ->
                          b.keyId(arn)
                              .ciphertextBlob(
                                  software.amazon.awssdk.core.SdkBytes.fromByteArray(blob))
                              .encryptionContext(
                                  java.util.Map.of(
                                      "strongroom:aad", aad,
                                      "strongroom:kek", arn,
                                      "strongroom:kek-version", version)))
                  .plaintext()
                  .asByteArray();
      assertEquals(32, decrypt.apply("1").length);
      assertThrows(
          software.amazon.awssdk.services.kms.model.InvalidCiphertextException.class,
          () -> decrypt.apply("2"));
    }
  }

  @Test
  void createKey_twice_conflicts() {
    assertThrows(ConflictException.class, () -> keys.createKey("orders"));
  }

  @Test
  void unknownKey_notFound() {
    assertThrows(NotFoundException.class, () -> keys.describe("missing"));
  }

  @Test
  void destroyKey_makesDataUnreadable() {
    Envelope envelope = Envelope.of(Kek.of(keys, "orders"));
    byte[] ciphertext = envelope.encrypt("shred me".getBytes(StandardCharsets.UTF_8), CONTEXT);
    String arn = keys.keyRef("orders");
    keys.destroyKey("orders");
    assertThrows(NotFoundException.class, () -> keys.describe("orders"));
    // By ARN too: the key is pending deletion, which this service refuses on its own.
    assertThrows(NotFoundException.class, () -> keys.describe(arn));
    try (Backend fresh = MotoServers.open(ns)) {
      assertThrows(
          RuntimeException.class,
          () -> Envelope.of(Kek.of(fresh.keys(), arn)).decrypt(ciphertext, CONTEXT));
    }
  }

  @Test
  void disabledKey_isRefusedByUsEvenThoughMotoWouldDecrypt() {
    WrappedKey wrapped = keys.wrap(new WrapRequest("orders", SecretValue.of(new byte[32]), AAD));
    String arn = keys.keyRef("orders");
    try (var raw = MotoServers.rawKms(MotoServers.endpoint());
        Backend fresh = MotoServers.open(ns)) {
      String keyId = arn.substring(arn.lastIndexOf('/') + 1);
      raw.disableKey(b -> b.keyId(keyId)); // moto fails (HTTP 500) on an ARN here
      // moto still decrypts under a disabled key (real KMS answers DisabledException)...
      raw.decrypt(
          b ->
              b.keyId(arn)
                  .ciphertextBlob(
                      software.amazon.awssdk.core.SdkBytes.fromByteArray(
                          java.util.Arrays.copyOfRange(
                              wrapped.wrapped(), 5, wrapped.wrapped().length)))
                  .encryptionContext(
                      java.util.Map.of(
                          "strongroom:aad",
                          java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(AAD),
                          "strongroom:kek",
                          arn,
                          "strongroom:kek-version",
                          "1")));
      // ...so this service checks the key state itself.
      assertThrows(
          AccessDeniedException.class,
          () -> fresh.keys().unwrap(new UnwrapRequest("orders", wrapped.wrapped(), AAD)));
    }
  }
}
