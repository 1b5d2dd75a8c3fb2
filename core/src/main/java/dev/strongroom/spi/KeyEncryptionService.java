package dev.strongroom.spi;

import dev.strongroom.SecretValue;

/**
 * A key-encryption service: named key-encryption keys (KEKs) with numbered versions that wrap and
 * unwrap data keys. Implementations: the local Tink keyring in core, Vault Transit, AWS KMS.
 *
 * <p>Implementations must be thread-safe. Failures are reported as {@link
 * dev.strongroom.exception.StrongroomException}s: {@link
 * dev.strongroom.exception.NotFoundException} for an unknown key, {@link
 * dev.strongroom.exception.InvalidCiphertextException} for a wrapped key that does not open (or a
 * version below the minimum decryption version), {@link
 * dev.strongroom.exception.BackendUnavailableException} when the service cannot be reached.
 */
public interface KeyEncryptionService {

  /**
   * The stable reference written into ciphertext headers for {@code keyName}, such as {@code
   * local:orders} or a KMS key ARN. At most 255 bytes of UTF-8. Must not contain secrets.
   */
  String keyRef(String keyName);

  /** Wraps {@code request.dataKey()} under the primary version of the named key. */
  WrappedKey wrap(WrapRequest request);

  /** Unwraps a data key wrapped by {@link #wrap} or {@link #rewrap}; the caller wipes it. */
  SecretValue unwrap(UnwrapRequest request);

  /**
   * Moves a wrapped data key to the primary version of its key without revealing it to the caller.
   */
  WrappedKey rewrap(UnwrapRequest request);

  /**
   * Moves many wrapped data keys of key {@code keyName} to its primary version, as {@link #rewrap}
   * does for one: the result lists, in order, the rewrapped key, or empty where that input did not
   * open. Services with a batch call (Vault Transit's {@code batch_input}) override this to make
   * one call per batch; the default makes one {@link #rewrap} call per key.
   */
  default java.util.List<java.util.Optional<WrappedKey>> rewrapAll(
      String keyName, java.util.List<byte[]> wrappedKeys, byte[] aad) {
    java.util.List<java.util.Optional<WrappedKey>> out = new java.util.ArrayList<>();
    for (byte[] wrapped : wrappedKeys) {
      try {
        out.add(java.util.Optional.of(rewrap(new UnwrapRequest(keyName, wrapped, aad))));
      } catch (dev.strongroom.exception.InvalidCiphertextException e) {
        out.add(java.util.Optional.empty());
      }
    }
    return out;
  }

  /**
   * Generates a fresh 32-byte data key and wraps it. Services that generate data keys themselves
   * (Vault's {@code datakey}, KMS {@code GenerateDataKey}) override this to save a round trip.
   */
  default GeneratedKey generate(WrapRequest.Generate request) {
    SecretValue dataKey = SecretValue.of(randomDataKey());
    return new GeneratedKey(
        dataKey, wrap(new WrapRequest(request.keyName(), dataKey, request.aad())));
  }

  /**
   * The key version a wrapped data key was made under, read from its own format without a call to
   * the service (Tink's key-id prefix, Transit's {@code vault:vN:}), or empty if the format does
   * not say. Used by key retirement to count what still needs an old version; empty counts as "may
   * need one".
   */
  default java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    return java.util.OptionalInt.empty();
  }

  /**
   * The names of the keys this service holds, sorted: every name {@link #describe} accepts (on
   * Vault the Transit mount's keys, on AWS the keys under the room's alias prefix). A service that
   * cannot enumerate its keys keeps this default, which throws {@link
   * UnsupportedOperationException}.
   */
  default java.util.List<String> keyNames() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list its keys");
  }

  /** Creates a key with version 1 as primary; fails with a conflict if it exists. */
  KeyInfo createKey(String keyName);

  /** Adds a new version and makes it primary. Older versions keep decrypting. */
  KeyInfo rotate(String keyName);

  /** Describes the versions of a key. */
  KeyInfo describe(String keyName);

  /**
   * Retires every version below {@code version}: wrapped keys made under them no longer unwrap.
   * Never above the primary version.
   */
  KeyInfo setMinDecryptionVersion(String keyName, int version);

  /**
   * Destroys every version of a key: whatever was wrapped under it becomes unreadable for good
   * (crypto-shredding).
   */
  void destroyKey(String keyName);

  private static byte[] randomDataKey() {
    byte[] key = new byte[32];
    dev.strongroom.internal.crypto.Random.fill(key);
    return key;
  }
}
