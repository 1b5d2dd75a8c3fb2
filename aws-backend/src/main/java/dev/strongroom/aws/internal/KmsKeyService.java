package dev.strongroom.aws.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * A {@link KeyEncryptionService} over AWS KMS symmetric keys.
 *
 * <p>Design. Key name {@code N} is the KMS key with alias {@code <kmsKey>/N} ({@code
 * alias/strongroom/N} by default); a name that is itself an alias or a key ARN is used as it is.
 * {@link #keyRef} is the key's ARN. Data keys come from GenerateDataKey (one call per DEK), are
 * unwrapped with Decrypt and moved to the newest key material with ReEncrypt; every call names the
 * key ARN (so a ciphertext of another key is refused) and binds the KMS encryption context {@code
 * {"strongroom:aad": base64url(aad), "strongroom:kek": ARN, "strongroom:kek-version": "v"}} (no
 * {@code strongroom:aad} pair when the associated data is empty), so KMS itself refuses a blob
 * presented with another version or key.
 *
 * <p>Versions. KMS rotates key material inside one key and keeps every old material, so version
 * {@code v} of a key is "after {@code v-1} rotations": 1 + the length of ListKeyRotations. {@link
 * #rotate} is RotateKeyOnDemand. The wrapped form (format 2, "kms-wrap v2: version-bound context")
 * is {@code 0x02 || u32 version || KMS CiphertextBlob}, so that {@link #setMinDecryptionVersion}
 * can be honoured: the minimum lives in the key's tag {@code strongroom:minDecryptionVersion} and
 * is checked here, before KMS is called (KMS itself would still decrypt old material); the version
 * is authenticated by KMS through the encryption context, so editing those 4 bytes to pass the
 * check makes Decrypt fail. Format 1 (the same bytes without the version in the context) is
 * refused. {@link #destroyKey} deletes the alias and schedules the key's deletion with the shortest
 * window, 7 days; from then on this service treats the key as gone, and after the window KMS has
 * erased it.
 *
 * <p>moto. moto records RotateKeyOnDemand without making new key material, does not enforce key
 * policies and does not refuse Decrypt on a disabled key. Where we rely on KMS refusing, this class
 * checks for itself too: a key that DescribeKey reports disabled or pending deletion is refused
 * (AccessDenied or NotFound) without calling Decrypt. These checks use key state cached for up to a
 * minute; real KMS refuses at once.
 *
 * <p>Thread-safe: the key-state cache is a concurrent map of immutable entries. The SDK keeps its
 * own copy of plaintext data keys in buffers we cannot wipe.
 */
final class KmsKeyService implements KeyEncryptionService {
  static final String MIN_VERSION_TAG = "strongroom:minDecryptionVersion";
  static final String AAD_CONTEXT_KEY = "strongroom:aad";
  static final String KEK_CONTEXT_KEY = "strongroom:kek";
  static final String VERSION_CONTEXT_KEY = "strongroom:kek-version";

  /** The wrapped-form format: 2, "kms-wrap v2", the version bound into the KMS context. */
  static final byte FORMAT = 2;

  private static final int HEADER = 5;
  private static final Duration STATE_TTL = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyService.class);
  private static final String SERVICE = "KMS ";

  private final KmsClient kms;
  private final String aliasPrefix;
  private final Clock clock;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** What we know of one key, loaded at {@code loaded}. */
  private record State(String arn, String keyId, int version, int minVersion, Instant loaded) {}

  KmsKeyService(KmsClient kms, String aliasPrefix, Clock clock) {
    this.kms = Objects.requireNonNull(kms, "kms");
    this.aliasPrefix = Objects.requireNonNull(aliasPrefix, "aliasPrefix");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String keyRef(String keyName) {
    return state(keyName).arn();
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    String name = request.keyName();
    State state = state(name);
    byte[] dek = request.dataKey().copyBytes();
    try {
      byte[] blob =
          call(
                  "Encrypt",
                  name,
                  () ->
                      kms.encrypt(
                          b ->
                              b.keyId(state.arn())
                                  .plaintext(SdkBytes.fromByteArrayUnsafe(dek))
                                  .encryptionContext(
                                      context(request.aad(), state.arn(), state.version()))))
              .ciphertextBlob()
              .asByteArray();
      return wrapped(state.version(), blob);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public GeneratedKey generate(WrapRequest.Generate request) {
    String name = request.keyName();
    State state = state(name);
    GenerateDataKeyResponse response =
        call(
            "GenerateDataKey",
            name,
            () ->
                kms.generateDataKey(
                    b ->
                        b.keyId(state.arn())
                            .keySpec(DataKeySpec.AES_256)
                            .encryptionContext(
                                context(request.aad(), state.arn(), state.version()))));
    byte[] dek = response.plaintext().asByteArray();
    try {
      return new GeneratedKey(
          SecretValue.of(dek), wrapped(state.version(), response.ciphertextBlob().asByteArray()));
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    String name = request.keyName();
    byte[] blob = openable(request);
    int version = version(request.wrapped());
    State state = state(name);
    DecryptResponse response;
    try {
      response =
          kms.decrypt(
              b ->
                  b.keyId(state.arn())
                      .ciphertextBlob(SdkBytes.fromByteArrayUnsafe(blob))
                      .encryptionContext(context(request.aad(), state.arn(), version)));
    } catch (software.amazon.awssdk.services.kms.model.InvalidCiphertextException
        | IncorrectKeyException e) {
      throw new InvalidCiphertextException(AwsErrors.sanitize(e));
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "Decrypt", name, e);
    }
    byte[] dek = response.plaintext().asByteArray();
    try {
      return SecretValue.of(dek);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    String name = request.keyName();
    byte[] blob = openable(request);
    State state = state(name);
    Map<String, String> source = context(request.aad(), state.arn(), version(request.wrapped()));
    Map<String, String> destination = context(request.aad(), state.arn(), state.version());
    byte[] rewrapped;
    try {
      rewrapped =
          kms.reEncrypt(
                  b ->
                      b.ciphertextBlob(SdkBytes.fromByteArrayUnsafe(blob))
                          .sourceKeyId(state.arn())
                          .sourceEncryptionContext(source)
                          .destinationKeyId(state.arn())
                          .destinationEncryptionContext(destination))
              .ciphertextBlob()
              .asByteArray();
    } catch (software.amazon.awssdk.services.kms.model.InvalidCiphertextException
        | IncorrectKeyException e) {
      throw new InvalidCiphertextException(AwsErrors.sanitize(e));
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "ReEncrypt", name, e);
    }
    return wrapped(state.version(), rewrapped);
  }

  @Override
  public KeyInfo createKey(String keyName) {
    String alias = ownAlias(keyName);
    if (exists(alias)) {
      throw new ConflictException("KMS key '" + keyName + "' exists");
    }
    KeyMetadata created =
        call(
                "CreateKey",
                keyName,
                () ->
                    kms.createKey(
                        b ->
                            b.description("Strongroom key-encryption key " + keyName)
                                .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                                .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                                .tags(
                                    Tag.builder()
                                        .tagKey("strongroom:name")
                                        .tagValue(keyName)
                                        .build())))
            .keyMetadata();
    String arn = created.arn();
    try {
      kms.createAlias(b -> b.aliasName(alias).targetKeyId(arn));
    } catch (AlreadyExistsException e) {
      // Lost a race with another creator: drop our orphan key.
      scheduleDeletion(keyName, created.keyId());
      throw new ConflictException("KMS key '" + keyName + "' exists", AwsErrors.sanitize(e));
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "CreateAlias", keyName, e);
    }
    LOG.debug("created KMS key '{}'", keyName);
    return describe(keyName);
  }

  @Override
  public KeyInfo rotate(String keyName) {
    State state = fresh(keyName);
    call("RotateKeyOnDemand", keyName, () -> kms.rotateKeyOnDemand(b -> b.keyId(state.arn())));
    states.remove(keyName);
    LOG.debug("rotated KMS key '{}'", keyName);
    return describe(keyName);
  }

  /** Format 2 names its version in bytes 1-4 (authenticated by KMS through the context). */
  @Override
  public java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    return wrapped != null && wrapped.length > HEADER && wrapped[0] == FORMAT
        ? java.util.OptionalInt.of(version(wrapped))
        : java.util.OptionalInt.empty();
  }

  /** The keys under the room's alias prefix ({@code alias/strongroom/NAME} is key NAME). */
  @Override
  public List<String> keyNames() {
    String prefix = aliasPrefix + "/";
    return call(
        "ListAliases",
        aliasPrefix,
        () ->
            kms.listAliasesPaginator(b -> {}).aliases().stream()
                .map(AliasListEntry::aliasName)
                .filter(a -> a.startsWith(prefix) && a.length() > prefix.length())
                .map(a -> a.substring(prefix.length()))
                .sorted()
                .toList());
  }

  @Override
  public KeyInfo describe(String keyName) {
    State state = fresh(keyName);
    List<Integer> versions = IntStream.rangeClosed(1, state.version()).boxed().toList();
    return new KeyInfo(keyName, versions, state.version(), state.minVersion());
  }

  @Override
  public KeyInfo setMinDecryptionVersion(String keyName, int version) {
    State state = fresh(keyName);
    if (version < 1 || version > state.version()) {
      throw new IllegalArgumentException(
          "expected a minimum decryption version from 1 to "
              + state.version()
              + " but was "
              + version);
    }
    call(
        "TagResource",
        keyName,
        () ->
            kms.tagResource(
                b ->
                    b.keyId(state.arn())
                        .tags(
                            Tag.builder()
                                .tagKey(MIN_VERSION_TAG)
                                .tagValue(Integer.toString(version))
                                .build())));
    states.remove(keyName);
    return describe(keyName);
  }

  @Override
  public void destroyKey(String keyName) {
    State state = fresh(keyName);
    if (!keyName.startsWith("arn:")) {
      String alias = keyName.startsWith("alias/") ? keyName : ownAlias(keyName);
      call("DeleteAlias", keyName, () -> kms.deleteAlias(b -> b.aliasName(alias)));
    }
    scheduleDeletion(keyName, state.keyId());
    states.remove(keyName);
    LOG.debug("destroyed KMS key '{}' (deletion scheduled in 7 days)", keyName);
  }

  // -------------------------------------------------------------- helpers

  /**
   * Schedules deletion of {@code keyId}: the bare key id, since moto fails (HTTP 500) on an ARN.
   */
  private void scheduleDeletion(String keyName, String keyId) {
    call(
        "ScheduleKeyDeletion",
        keyName,
        () -> kms.scheduleKeyDeletion(b -> b.keyId(keyId).pendingWindowInDays(7)));
  }

  /** The KMS identifier of a key name. */
  String kmsId(String keyName) {
    Objects.requireNonNull(keyName, "keyName");
    if (keyName.startsWith("alias/") || keyName.startsWith("arn:")) {
      return keyName;
    }
    return ownAlias(keyName);
  }

  private String ownAlias(String keyName) {
    if (Objects.requireNonNull(keyName, "keyName").isEmpty()
        || keyName.startsWith("alias/")
        || keyName.startsWith("arn:")) {
      throw new IllegalArgumentException(
          "expected a plain key name (not an alias or ARN) to create or name a key");
    }
    return aliasPrefix + "/" + keyName;
  }

  private boolean exists(String alias) {
    try {
      kms.describeKey(b -> b.keyId(alias));
      return true;
    } catch (software.amazon.awssdk.services.kms.model.NotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "DescribeKey", alias, e);
    }
  }

  private State state(String keyName) {
    State state = states.get(keyName);
    if (state != null && clock.instant().isBefore(state.loaded().plus(STATE_TTL))) {
      return state;
    }
    return fresh(keyName);
  }

  private State fresh(String keyName) {
    KeyMetadata metadata =
        call("DescribeKey", keyName, () -> kms.describeKey(b -> b.keyId(kmsId(keyName))))
            .keyMetadata();
    // moto does not refuse a disabled key or one pending deletion; real KMS does. Check here.
    if (metadata.keyState() == KeyState.PENDING_DELETION
        || metadata.keyState() == KeyState.PENDING_REPLICA_DELETION) {
      states.remove(keyName);
      throw new NotFoundException("KMS key '" + keyName + "' is scheduled for deletion");
    }
    if (metadata.keyState() != KeyState.ENABLED) {
      states.remove(keyName);
      throw new AccessDeniedException(
          "KMS key '" + keyName + "' is not enabled (state " + metadata.keyStateAsString() + ")");
    }
    String arn = metadata.arn();
    long rotations =
        call(
            "ListKeyRotations",
            keyName,
            () -> kms.listKeyRotationsPaginator(b -> b.keyId(arn)).rotations().stream().count());
    int min =
        call("ListResourceTags", keyName, () -> kms.listResourceTags(b -> b.keyId(arn)).tags())
            .stream()
            .filter(t -> MIN_VERSION_TAG.equals(t.tagKey()))
            .map(t -> parseVersion(t.tagValue()))
            .findFirst()
            .orElse(1);
    State state =
        new State(arn, metadata.keyId(), Math.toIntExact(1 + rotations), min, clock.instant());
    states.put(keyName, state);
    return state;
  }

  private static int parseVersion(String value) {
    try {
      return Math.max(1, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The KMS blob of a wrapped key this service may open, or InvalidCiphertextException. */
  private byte[] openable(UnwrapRequest request) {
    byte[] wrapped = request.wrapped();
    if (wrapped.length <= HEADER || wrapped[0] != FORMAT) {
      throw new InvalidCiphertextException();
    }
    int version = version(wrapped);
    State state = state(request.keyName());
    if (version < state.minVersion() || version < 1) {
      throw new InvalidCiphertextException(); // retired version; KMS authenticates the label
    }
    return Arrays.copyOfRange(wrapped, HEADER, wrapped.length);
  }

  /** The version label of a wrapped key whose format has been checked. */
  private static int version(byte[] wrapped) {
    return ByteBuffer.wrap(wrapped, 1, 4).getInt();
  }

  static WrappedKey wrapped(int version, byte[] blob) {
    byte[] out = new byte[HEADER + blob.length];
    out[0] = FORMAT;
    ByteBuffer.wrap(out, 1, 4).putInt(version);
    System.arraycopy(blob, 0, out, HEADER, blob.length);
    return new WrappedKey(out, version);
  }

  /**
   * The KMS encryption context of a wrap: the key's ARN and the version label the wrapped form
   * carries, and the associated data if there is any. KMS refuses Decrypt and ReEncrypt unless the
   * same pairs are given, so the version label cannot be edited.
   */
  static Map<String, String> context(byte[] aad, String arn, int version) {
    String v = Integer.toString(version);
    return aad.length == 0
        ? Map.of(KEK_CONTEXT_KEY, arn, VERSION_CONTEXT_KEY, v)
        : Map.of(
            AAD_CONTEXT_KEY,
            Base64.getUrlEncoder().withoutPadding().encodeToString(aad),
            KEK_CONTEXT_KEY,
            arn,
            VERSION_CONTEXT_KEY,
            v);
  }

  private <T> T call(String operation, String keyName, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + operation, keyName, e);
    }
  }
}
