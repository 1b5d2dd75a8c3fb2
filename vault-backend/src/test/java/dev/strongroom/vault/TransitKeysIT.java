package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.envelope.DataKeyCachePolicy;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import dev.strongroom.vault.internal.TransitKeys;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transit as a key-encryption service, and under an {@link Envelope}, against OpenBao. */
class TransitKeysIT {
  private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);
  private VaultBackend backend;
  private TransitKeys keys;
  private String name;

  @BeforeEach
  void setUp() {
    backend = VaultServers.devBackend();
    keys = backend.keys();
    name = VaultServers.unique("it-kek");
  }

  @AfterEach
  void tearDown() {
    if (keys == null) {
      return;
    }
    try {
      keys.destroyKey(name);
    } catch (NotFoundException e) {
      // destroyed by the test
    }
  }

  private static SecretValue dek() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return SecretValue.of(key);
  }

  @Test
  void createKey_twice_conflictsAndDescribes() {
    KeyInfo info = keys.createKey(name);
    assertEquals(List.of(1), info.versions());
    assertEquals(1, info.primaryVersion());
    assertEquals(1, info.minDecryptionVersion());
    assertThrows(ConflictException.class, () -> keys.createKey(name));
    assertEquals("vault-transit:" + name, keys.keyRef(name));
  }

  @Test
  void keyNames_listsTheMountsKeysSorted_untilDestroyed() {
    String other = name + "-b";
    keys.createKey(other);
    keys.createKey(name);
    List<String> listed = keys.keyNames();
    assertTrue(listed.containsAll(List.of(name, other)), listed.toString());
    assertEquals(listed.stream().sorted().toList(), listed);
    keys.destroyKey(other);
    assertFalse(keys.keyNames().contains(other));
    assertTrue(keys.keyNames().contains(name));
  }

  @Test
  void wrap_unwrap_roundTripsAndBindsAad() {
    keys.createKey(name);
    SecretValue dek = dek();
    WrappedKey wrapped = keys.wrap(new WrapRequest(name, dek, AAD));
    assertEquals(1, wrapped.keyVersion());
    assertTrue(new String(wrapped.wrapped(), StandardCharsets.UTF_8).startsWith("vault:v1:"));
    assertTrue(keys.unwrap(new UnwrapRequest(name, wrapped.wrapped(), AAD)).equalsSecret(dek));
    assertThrows(
        InvalidCiphertextException.class,
        () ->
            keys.unwrap(
                new UnwrapRequest(
                    name, wrapped.wrapped(), "other".getBytes(StandardCharsets.UTF_8))));
    assertThrows(
        InvalidCiphertextException.class,
        () ->
            keys.unwrap(
                new UnwrapRequest(name, "vault:v1:AAAA".getBytes(StandardCharsets.UTF_8), AAD)));
  }

  @Test
  void generate_returnsDataKeyThatUnwraps() {
    keys.createKey(name);
    GeneratedKey generated = keys.generate(new WrapRequest.Generate(name, AAD));
    assertEquals(32, generated.dataKey().length());
    assertTrue(
        keys.unwrap(new UnwrapRequest(name, generated.wrapped().wrapped(), AAD))
            .equalsSecret(generated.dataKey()));
  }

  @Test
  void rotate_rewrap_minDecryptionVersion_retiresOldWraps() {
    keys.createKey(name);
    SecretValue dek = dek();
    WrappedKey v1 = keys.wrap(new WrapRequest(name, dek, AAD));
    KeyInfo rotated = keys.rotate(name);
    assertEquals(2, rotated.primaryVersion());
    assertEquals(List.of(1, 2), rotated.versions());
    WrappedKey v2 = keys.rewrap(new UnwrapRequest(name, v1.wrapped(), AAD));
    assertEquals(2, v2.keyVersion());

    KeyInfo raised = keys.setMinDecryptionVersion(name, 2);
    assertEquals(2, raised.minDecryptionVersion());
    assertTrue(keys.unwrap(new UnwrapRequest(name, v2.wrapped(), AAD)).equalsSecret(dek));
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest(name, v1.wrapped(), AAD)));
    assertThrows(IllegalArgumentException.class, () -> keys.setMinDecryptionVersion(name, 3));
  }

  @Test
  void rewrapBatch_oneCall_rewrapsEveryGoodInput() {
    keys.createKey(name);
    List<byte[]> wrapped = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      wrapped.add(keys.wrap(new WrapRequest(name, dek(), AAD)).wrapped());
    }
    wrapped.add("vault:v1:AAAA".getBytes(StandardCharsets.UTF_8));
    keys.rotate(name);
    List<Optional<WrappedKey>> out = keys.rewrapBatch(name, wrapped, AAD);
    assertEquals(4, out.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(2, out.get(i).orElseThrow().keyVersion());
    }
    assertTrue(out.get(3).isEmpty());
  }

  @Test
  void nonDerivedKey_bindsAssociatedDataAndRewraps() {
    VaultServers.root(backend, "POST", "transit/keys/" + name, VaultHttp.object());
    SecretValue dek = dek();
    WrappedKey v1 = keys.wrap(new WrapRequest(name, dek, AAD));
    assertThrows(
        InvalidCiphertextException.class,
        () -> keys.unwrap(new UnwrapRequest(name, v1.wrapped(), new byte[0])));
    keys.rotate(name);
    WrappedKey v2 = keys.rewrap(new UnwrapRequest(name, v1.wrapped(), AAD));
    assertEquals(2, v2.keyVersion());
    assertTrue(keys.unwrap(new UnwrapRequest(name, v2.wrapped(), AAD)).equalsSecret(dek));
  }

  @Test
  void destroyKey_makesWrappedKeysUnreadable() {
    keys.createKey(name);
    WrappedKey wrapped = keys.wrap(new WrapRequest(name, dek(), AAD));
    keys.destroyKey(name);
    assertThrows(NotFoundException.class, () -> keys.describe(name));
    assertThrows(
        RuntimeException.class, () -> keys.unwrap(new UnwrapRequest(name, wrapped.wrapped(), AAD)));
    assertThrows(NotFoundException.class, () -> keys.destroyKey(name));
  }

  @Test
  void envelope_tenThousandMessages_oneTransitCall() {
    keys.createKey(name);
    Envelope envelope = Envelope.of(Kek.of(keys, name));
    EncryptionContext context = EncryptionContext.of("tenant", "t1");
    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ciphertexts.add(envelope.encrypt(("message " + i).getBytes(StandardCharsets.UTF_8), context));
    }
    assertEquals(1, envelope.stats().kekCalls());
    assertEquals(9_999, envelope.stats().encryptHits());

    Envelope reader = Envelope.of(Kek.of(keys, name));
    for (int i = 0; i < ciphertexts.size(); i += 997) {
      assertArrayEquals(
          ("message " + i).getBytes(StandardCharsets.UTF_8),
          reader.decrypt(ciphertexts.get(i), context));
    }
    assertEquals(1, reader.stats().kekCalls());
  }

  @Test
  void envelope_rotateRewrapRaiseMinimum_onlyRewrappedStayReadable() {
    keys.createKey(name);
    Kek kek = Kek.of(keys, name);
    EncryptionContext context = EncryptionContext.of("field", "ssn");
    Envelope writer =
        Envelope.builder().kek(kek).cachePolicy(DataKeyCachePolicy.noCaching()).build();
    byte[] kept = writer.encrypt("kept".getBytes(StandardCharsets.UTF_8), context);
    byte[] stale = writer.encrypt("stale".getBytes(StandardCharsets.UTF_8), context);

    keys.rotate(name);
    byte[] rewrapped = Envelope.of(kek).rewrap(kept);
    keys.setMinDecryptionVersion(name, 2);

    Envelope reader = Envelope.of(kek);
    assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), reader.decrypt(rewrapped, context));
    assertThrows(InvalidCiphertextException.class, () -> reader.decrypt(stale, context));
    assertThrows(InvalidCiphertextException.class, () -> reader.decrypt(kept, context));
  }
}
