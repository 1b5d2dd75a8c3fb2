package dev.strongroom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KeyEncryptionService} must show. A backend's test extends this class
 * and implements {@link #newService()}. Each test uses a fresh random key name, so the suite can
 * run against a shared server.
 */
public abstract class KeyEncryptionServiceContract {
  /** For subclasses. */
  protected KeyEncryptionServiceContract() {}

  private static final byte[] AAD = "contract aad".getBytes(StandardCharsets.UTF_8);

  private KeyEncryptionService service;
  private String key;

  /** A new service (or a new client of a shared one). */
  protected abstract KeyEncryptionService newService();

  @BeforeEach
  void openService() {
    service = newService();
    key = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    service.createKey(key);
  }

  private static SecretValue dataKey(int seed) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) seed);
    return SecretValue.of(bytes);
  }

  private SecretValue unwrap(WrappedKey wrapped) {
    return service.unwrap(new UnwrapRequest(key, wrapped.wrapped(), AAD));
  }

  @Test
  void wrap_thenUnwrap_returnsDataKey() {
    SecretValue dek = dataKey(7);
    WrappedKey wrapped = service.wrap(new WrapRequest(key, dek, AAD));

    assertEquals(1, wrapped.keyVersion());
    assertTrue(unwrap(wrapped).equalsSecret(dek));
  }

  @Test
  void generate_returnsA32ByteKeyThatUnwraps() {
    GeneratedKey generated = service.generate(new WrapRequest.Generate(key, AAD));

    assertEquals(32, generated.dataKey().length());
    assertTrue(unwrap(generated.wrapped()).equalsSecret(generated.dataKey()));
  }

  @Test
  void generate_twice_returnsDifferentKeys() {
    assertFreshDataKeys(service, key, AAD);
  }

  /**
   * Fails unless two {@code generate()} calls return different data keys and different wrapped
   * forms: a service returning a fixed DEK would make envelopes in two processes (or two DEK
   * generations in one) reuse counter nonces under one AES key.
   */
  static void assertFreshDataKeys(KeyEncryptionService service, String keyName, byte[] aad) {
    GeneratedKey a = service.generate(new WrapRequest.Generate(keyName, aad));
    GeneratedKey b = service.generate(new WrapRequest.Generate(keyName, aad));
    assertFalse(
        a.dataKey().equalsSecret(b.dataKey()),
        "generate() returned the same data key twice: counter nonces would repeat");
    assertFalse(
        java.util.Arrays.equals(a.wrapped().wrapped(), b.wrapped().wrapped()),
        "generate() returned the same wrapped key twice");
  }

  @Test
  void unwrap_wrongAad_isInvalidCiphertext() {
    WrappedKey wrapped = service.wrap(new WrapRequest(key, dataKey(1), AAD));
    assertThrows(
        InvalidCiphertextException.class,
        () -> service.unwrap(new UnwrapRequest(key, wrapped.wrapped(), new byte[] {1})));
  }

  @Test
  void unwrap_tamperedWrappedKey_isInvalidCiphertext() {
    byte[] wrapped = service.wrap(new WrapRequest(key, dataKey(1), AAD)).wrapped();
    for (int i : new int[] {0, wrapped.length / 2, wrapped.length - 1}) {
      byte[] tampered = wrapped.clone();
      tampered[i] ^= 1;
      InvalidCiphertextException e =
          assertThrows(
              InvalidCiphertextException.class,
              () -> service.unwrap(new UnwrapRequest(key, tampered, AAD)));
      assertEquals(InvalidCiphertextException.MESSAGE, e.getMessage());
    }
  }

  @Test
  void rotate_newPrimaryVersion_oldWrappedKeysStillUnwrap() {
    SecretValue dek = dataKey(3);
    WrappedKey old = service.wrap(new WrapRequest(key, dek, AAD));

    KeyInfo info = service.rotate(key);
    WrappedKey fresh = service.wrap(new WrapRequest(key, dek, AAD));

    assertEquals(2, info.primaryVersion());
    assertEquals(List.of(1, 2), info.versions());
    assertEquals(2, fresh.keyVersion());
    assertTrue(unwrap(old).equalsSecret(dek));
    assertTrue(unwrap(fresh).equalsSecret(dek));
  }

  @Test
  void rewrap_movesToPrimaryVersionAndKeepsDataKey() {
    SecretValue dek = dataKey(4);
    WrappedKey old = service.wrap(new WrapRequest(key, dek, AAD));
    service.rotate(key);

    WrappedKey rewrapped = service.rewrap(new UnwrapRequest(key, old.wrapped(), AAD));

    assertEquals(2, rewrapped.keyVersion());
    assertTrue(unwrap(rewrapped).equalsSecret(dek));
  }

  @Test
  void minDecryptionVersion_retiresOlderVersionsOnly() {
    SecretValue dek = dataKey(5);
    WrappedKey old = service.wrap(new WrapRequest(key, dek, AAD));
    service.rotate(key);
    WrappedKey rewrapped = service.rewrap(new UnwrapRequest(key, old.wrapped(), AAD));

    KeyInfo info = service.setMinDecryptionVersion(key, 2);

    assertEquals(2, info.minDecryptionVersion());
    assertEquals(2, service.describe(key).minDecryptionVersion());
    assertThrows(InvalidCiphertextException.class, () -> unwrap(old));
    assertTrue(unwrap(rewrapped).equalsSecret(dek));
  }

  @Test
  void minDecryptionVersion_abovePrimary_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> service.setMinDecryptionVersion(key, 2));
    assertEquals(1, service.describe(key).minDecryptionVersion());
  }

  @Test
  void destroyKey_makesWrappedKeysUnreadable() {
    WrappedKey wrapped = service.wrap(new WrapRequest(key, dataKey(6), AAD));

    service.destroyKey(key);

    StrongroomException e = assertThrows(StrongroomException.class, () -> unwrap(wrapped));
    assertTrue(
        e instanceof NotFoundException || e instanceof InvalidCiphertextException,
        () -> "expected NotFound or InvalidCiphertext but was " + e);
    assertThrows(NotFoundException.class, () -> service.describe(key));
  }

  @Test
  void createKey_twice_conflicts() {
    assertThrows(ConflictException.class, () -> service.createKey(key));
  }

  @Test
  void unknownKey_notFound() {
    String missing = key + "-missing";
    assertThrows(NotFoundException.class, () -> service.describe(missing));
    assertThrows(NotFoundException.class, () -> service.rotate(missing));
    assertThrows(
        NotFoundException.class, () -> service.wrap(new WrapRequest(missing, dataKey(1), AAD)));
  }

  /**
   * The reference is short, stable and tells keys apart. It need not contain the key's name: a KMS
   * key ARN (what the SPI suggests for KMS) names the key by its id, not its alias.
   */
  @Test
  void keyRef_isShortStableDistinctAndNamesNoSecret() {
    String ref = service.keyRef(key);
    int length = ref.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(length > 0 && length <= 255, () -> "length " + length);
    assertEquals(ref, service.keyRef(key));
    service.createKey(key + "-other");
    assertFalse(ref.equals(service.keyRef(key + "-other")), ref);
    assertFalse(service.describe(key).toString().contains("\u0007"));
  }
}
