package dev.strongroom.kek;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Key-encryption keys held in this process as Tink keysets of AES-256-GCM keys: one keyset per
 * named key, one Tink key per version (its Tink key id is the version number, so the wrapped form
 * names its version in Tink's 5-byte prefix). Retiring versions below a minimum disables them in
 * the keyset; destroying a key drops the keyset.
 *
 * <p>{@link #inMemory()} keeps the keysets only in memory, for tests and the {@code memory:}
 * backend; the file backend persists them encrypted through {@link #persistent}.
 *
 * <p>Thread-safe: reads use an immutable snapshot per key; changes are serialised.
 */
public final class LocalKeyring implements KeyEncryptionService {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private record State(KeysetHandle keyset, Aead aead, KeyInfo info) {}

  private final String refPrefix;
  private final Map<String, State> keys = new ConcurrentHashMap<>();
  private final BiConsumer<String, KeysetHandle> onChange;

  private LocalKeyring(String refPrefix, BiConsumer<String, KeysetHandle> onChange) {
    this.refPrefix = refPrefix;
    this.onChange = onChange;
  }

  /** An empty keyring kept in memory only; key references read {@code local:NAME}. */
  public static LocalKeyring inMemory() {
    return new LocalKeyring("local:", (name, keyset) -> {});
  }

  /**
   * For backends that persist keysets: a keyring with reference prefix {@code refPrefix} holding
   * {@code encryptedKeysets} (name to keyset encrypted under {@code masterKey}, as {@code onChange}
   * receives them). Every change is reported to {@code onChange} as the new encrypted keyset (null
   * when the key is destroyed) before it becomes visible; if {@code onChange} throws, nothing
   * changes.
   *
   * @throws InvalidCiphertextException if a keyset does not open under {@code masterKey}
   */
  public static LocalKeyring persistent(
      String refPrefix,
      Map<String, byte[]> encryptedKeysets,
      SecretValue masterKey,
      BiConsumer<String, byte[]> onChange) {
    Aead master = masterAead(masterKey);
    LocalKeyring keyring =
        new LocalKeyring(
            refPrefix,
            (name, keyset) ->
                onChange.accept(name, keyset == null ? null : seal(keyset, master, name)));
    encryptedKeysets.forEach(
        (name, blob) -> keyring.keys.put(name, state(name, open(blob, master, name))));
    return keyring;
  }

  private static Aead masterAead(SecretValue masterKey) {
    if (masterKey.length() != 32) {
      throw new IllegalArgumentException(
          "expected a 32-byte master key but was " + masterKey.length() + " bytes");
    }
    return masterKey.apply(
        key -> {
          try {
            return new com.google.crypto.tink.subtle.AesGcmJce(key);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM unavailable", e);
          }
        });
  }

  private static byte[] seal(KeysetHandle keyset, Aead master, String name) {
    try {
      return com.google.crypto.tink.TinkProtoKeysetFormat.serializeEncryptedKeyset(
          keyset,
          master,
          name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("keyset encryption failed", e);
    }
  }

  private static KeysetHandle open(byte[] blob, Aead master, String name) {
    try {
      return com.google.crypto.tink.TinkProtoKeysetFormat.parseEncryptedKeyset(
          blob,
          master,
          name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      throw new InvalidCiphertextException(e);
    }
  }

  @Override
  public String keyRef(String keyName) {
    return refPrefix + Objects.requireNonNull(keyName, "keyName");
  }

  /** Tink's output prefix: byte 1, then the key id (the version) big-endian. */
  @Override
  public java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    if (wrapped == null || wrapped.length < 5 || wrapped[0] != 1) {
      return java.util.OptionalInt.empty();
    }
    return java.util.OptionalInt.of(java.nio.ByteBuffer.wrap(wrapped, 1, 4).getInt());
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    State state = state(request.keyName());
    byte[] dek = request.dataKey().copyBytes();
    try {
      return new WrappedKey(
          state.aead().encrypt(dek, request.aad()), state.info().primaryVersion());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("local key wrap failed", e);
    } finally {
      java.util.Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    State state = state(request.keyName());
    byte[] dek;
    try {
      dek = state.aead().decrypt(request.wrapped(), request.aad());
    } catch (GeneralSecurityException e) {
      throw new InvalidCiphertextException(e);
    }
    try {
      return SecretValue.of(dek);
    } finally {
      java.util.Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    try (SecretValue dek = unwrap(request)) {
      return wrap(new WrapRequest(request.keyName(), dek, request.aad()));
    }
  }

  @Override
  public synchronized KeyInfo createKey(String keyName) {
    Objects.requireNonNull(keyName, "keyName");
    if (keys.containsKey(keyName)) {
      throw new ConflictException("key already exists: " + keyName);
    }
    try {
      KeysetHandle keyset =
          KeysetHandle.newBuilder()
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withFixedId(1)
                      .makePrimary())
              .build();
      return commit(keyName, keyset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key generation failed", e);
    }
  }

  @Override
  public synchronized KeyInfo rotate(String keyName) {
    State state = state(keyName);
    int next = state.info().versions().get(state.info().versions().size() - 1) + 1;
    try {
      KeysetHandle keyset =
          KeysetHandle.newBuilder(state.keyset())
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withFixedId(next)
                      .makePrimary())
              .build();
      return commit(keyName, keyset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key rotation failed", e);
    }
  }

  @Override
  public KeyInfo describe(String keyName) {
    return state(keyName).info();
  }

  @Override
  public synchronized KeyInfo setMinDecryptionVersion(String keyName, int version) {
    State state = state(keyName);
    if (version < 1 || version > state.info().primaryVersion()) {
      throw new IllegalArgumentException(
          "expected a version in [1, " + state.info().primaryVersion() + "] but was " + version);
    }
    KeysetHandle.Builder builder = KeysetHandle.newBuilder(state.keyset());
    for (int i = 0; i < builder.size(); i++) {
      KeysetHandle.Builder.Entry entry = builder.getAt(i);
      int id = state.keyset().getAt(i).getId();
      entry.setStatus(id < version ? KeyStatus.DISABLED : KeyStatus.ENABLED);
    }
    try {
      return commit(keyName, builder.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key update failed", e);
    }
  }

  @Override
  public synchronized void destroyKey(String keyName) {
    state(keyName);
    onChange.accept(keyName, null);
    keys.remove(keyName);
  }

  /** The names of the keys in this keyring. */
  @Override
  public List<String> keyNames() {
    return List.copyOf(new java.util.TreeSet<>(keys.keySet()));
  }

  private KeyInfo commit(String keyName, KeysetHandle keyset) {
    State state = state(keyName, keyset);
    onChange.accept(keyName, keyset);
    keys.put(keyName, state);
    return state.info();
  }

  private State state(String keyName) {
    State state = keys.get(Objects.requireNonNull(keyName, "keyName"));
    if (state == null) {
      throw new NotFoundException("no such key: " + keyName);
    }
    return state;
  }

  private static State state(String name, KeysetHandle keyset) {
    List<Integer> versions = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry entry = keyset.getAt(i);
      versions.add(entry.getId());
      if (entry.getStatus() == KeyStatus.ENABLED) {
        min = Math.min(min, entry.getId());
      }
    }
    versions.sort(null);
    KeyInfo info = new KeyInfo(name, versions, keyset.getPrimary().getId(), min);
    try {
      return new State(keyset, keyset.getPrimitive(RegistryConfiguration.get(), Aead.class), info);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("keyset unusable", e);
    }
  }
}
