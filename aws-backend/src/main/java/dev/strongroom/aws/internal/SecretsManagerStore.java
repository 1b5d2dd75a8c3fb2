package dev.strongroom.aws.internal;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * A {@link SecretStore} over AWS Secrets Manager.
 *
 * <p>Design. A secret {@code NAME} is the Secrets Manager secret {@code secretPrefix + NAME}. Our
 * version {@code n} is the Secrets Manager version whose VersionId is {@link VersionTokens#token
 * token(n)} (the client request token it was written with); stages map one to one: CURRENT, PENDING
 * and PREVIOUS are the staging labels AWSCURRENT, AWSPENDING and AWSPREVIOUS; other labels are
 * ignored. Values that are valid UTF-8 are stored as {@code SecretString} (so that other AWS tools
 * read them as usual), other bytes as {@code SecretBinary}; both read back as the same bytes. A
 * multi-field secret ({@link WriteRequest#fields()}) arrives as the UTF-8 JSON object of its fields
 * and is stored as that {@code SecretString}, the shape boto3's {@code json.loads(SecretString)}
 * and Lambda rotation functions expect; any {@code SecretString} that is a JSON object reads back
 * unchanged and has fields (docs/AWS.md, "Storage layout").
 *
 * <ul>
 *   <li>Writes: check-and-set compares the expected version with the highest numbered version
 *       (ListSecretVersionIds, deprecated versions included), then writes version {@code
 *       expected+1} with that token. Two writers who both saw {@code n} race for the same token;
 *       Secrets Manager accepts the first and answers the second with ResourceExistsException,
 *       which is our ConflictException. Two writers of the same bytes are a subtler case: Secrets
 *       Manager treats the second request as a retry of the first (same token, same value) and
 *       answers it with success. So a check-and-set write also carries a marker of its own, a
 *       random writer id: as the tag {@code strongroom:writer} on CreateSecret, as an extra staging
 *       label on PutSecretValue; after the call the writer checks that its marker is the one on the
 *       version (else another writer won: ConflictException) and removes the label. The SDK's own
 *       retries of a request keep its marker, so they still count as the same writer. The first
 *       version of a secret (CreateSecret) always carries CURRENT, as in Secrets Manager; a first
 *       write with PENDING carries both.
 *   <li>Stages: {@link #moveStage} uses UpdateSecretVersionStage with RemoveFromVersionId set to
 *       the version that holds the label, so the server refuses the move if the label moved
 *       meanwhile (moto enforces this as well). Moving AWSCURRENT makes the old current AWSPREVIOUS
 *       (done by the service); AWSPENDING is then removed from the new current explicitly. Reads by
 *       stage always pass the stage (moto returns a stale version for a stage-less read after
 *       UpdateSecretVersionStage) and check that the version returned carries it.
 *   <li>Delete is DeleteSecret with the recovery window, undelete is RestoreSecret, destroying the
 *       whole secret is DeleteSecret with ForceDeleteWithoutRecovery.
 *   <li>Destroying single versions: Secrets Manager cannot delete one version's value. We remove
 *       its staging labels (so the service treats it as deprecated and removes it in its own
 *       clean-up of old versions) and record its number in the tag {@code strongroom:destroyed}, so
 *       that reads and metadata treat it as destroyed at once. Until the service's clean-up runs,
 *       the value still exists in AWS: for a guaranteed erase, destroy the whole secret. The
 *       version that holds CURRENT cannot be destroyed (AWSCURRENT cannot be detached); move
 *       CURRENT first.
 *   <li>Versions written by other tools (UUID VersionIds) have no number: reads by stage return
 *       them as version 0, and metadata leaves them out.
 * </ul>
 *
 * <p>Thread-safe: holds no mutable state besides the SDK client. Logs secret names and version
 * numbers at DEBUG, never values.
 */
final class SecretsManagerStore implements SecretStore {
  static final String DESTROYED_TAG = "strongroom:destroyed";
  static final String WRITER_TAG = "strongroom:writer";
  private static final String WRITER_LABEL = "strongroom-writer-";
  private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerStore.class);
  private static final int BATCH_LIMIT = 20;
  private static final int WRITE_ATTEMPTS = 5;
  private static final String SERVICE = "Secrets Manager ";

  private final SecretsManagerClient client;
  private final String prefix;
  private final int recoveryWindowDays;
  private final Clock clock;

  SecretsManagerStore(
      SecretsManagerClient client, String prefix, int recoveryWindowDays, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.recoveryWindowDays = recoveryWindowDays;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One version as ListSecretVersionIds reports it. */
  private record Entry(String versionId, long number, Instant created, Set<Stage> stages) {}

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<StoredSecret> read(ReadRequest request) {
    String name = request.name();
    GetSecretValueRequest.Builder get = GetSecretValueRequest.builder().secretId(id(name));
    if (request.version() > 0) {
      get.versionId(VersionTokens.token(request.version()));
    } else {
      get.versionStage(label(request.stage()));
    }
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(get.build());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (InvalidRequestException e) {
      return Optional.empty(); // the secret is scheduled for deletion
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "GetSecretValue", name, e);
    }
    Set<Stage> stages = stages(response.versionStages());
    if (request.version() == 0 && !stages.contains(request.stage())) {
      throw new StrongroomException(
          "AWS Secrets Manager returned a version of '"
              + name
              + "' without the requested stage "
              + request.stage());
    }
    long number = VersionTokens.parse(response.versionId());
    if (stages.isEmpty() && destroyedVersions(name).contains(number)) {
      return Optional.empty(); // destroyed versions carry no label: only a read by number gets here
    }
    SecretVersion version =
        new SecretVersion(name, number, instant(response.createdDate()), stages, false);
    return Optional.of(
        StoredSecret.of(version, value(response.secretString(), response.secretBinary())));
  }

  /**
   * Reads CURRENT versions with BatchGetSecretValue, 20 names per call; other requests (by version
   * or another stage) are read one by one.
   */
  @Override
  public List<Optional<StoredSecret>> readAll(List<ReadRequest> requests) {
    List<Optional<StoredSecret>> results = new ArrayList<>(requests.size());
    Map<String, StoredSecret> batched = new HashMap<>();
    List<String> current = new ArrayList<>();
    for (ReadRequest request : requests) {
      if (request.version() == 0 && request.stage() == Stage.CURRENT) {
        current.add(request.name());
      }
    }
    List<String> distinct = List.copyOf(new LinkedHashSet<>(current));
    for (int i = 0; i < distinct.size(); i += BATCH_LIMIT) {
      batch(distinct.subList(i, Math.min(distinct.size(), i + BATCH_LIMIT)), batched);
    }
    for (ReadRequest request : requests) {
      if (request.version() == 0 && request.stage() == Stage.CURRENT) {
        StoredSecret found = batched.get(request.name());
        results.add(
            found == null
                ? Optional.empty()
                : Optional.of(StoredSecret.of(found.version(), copy(found.value()))));
      } else {
        results.add(read(request));
      }
    }
    batched.values().forEach(s -> s.value().wipe());
    return List.copyOf(results);
  }

  private void batch(List<String> names, Map<String, StoredSecret> out) {
    Map<String, String> byId = new HashMap<>();
    names.forEach(n -> byId.put(id(n), n));
    Set<String> retry = new LinkedHashSet<>();
    String token = null;
    do {
      BatchGetSecretValueResponse response;
      String next = token;
      try {
        response = client.batchGetSecretValue(b -> b.secretIdList(byId.keySet()).nextToken(next));
      } catch (SdkException e) {
        throw AwsErrors.map(SERVICE + "BatchGetSecretValue", String.join(",", names), e);
      }
      // Names that are missing or scheduled for deletion come back in Errors(): they read as
      // empty, as read() would have it; any other error (denied, a decryption failure, an
      // internal error) is asked again with read(), which maps it as for one secret, so a
      // refresh never mistakes a failure for a deletion.
      for (var error : response.errors()) {
        String name = byId.get(error.secretId());
        if (name != null && !BATCH_ABSENT.contains(error.errorCode())) {
          retry.add(name);
        }
      }
      for (SecretValueEntry entry : response.secretValues()) {
        String name = byId.get(entry.name());
        if (name == null) {
          continue;
        }
        Set<Stage> stages = stages(entry.versionStages());
        if (!stages.contains(Stage.CURRENT)) {
          continue;
        }
        SecretVersion version =
            new SecretVersion(
                name,
                VersionTokens.parse(entry.versionId()),
                instant(entry.createdDate()),
                stages,
                false);
        out.put(name, StoredSecret.of(version, value(entry.secretString(), entry.secretBinary())));
      }
      token = response.nextToken();
    } while (token != null && !token.isEmpty());
    for (String name : retry) {
      read(ReadRequest.current(name)).ifPresent(found -> out.put(name, found));
    }
  }

  /** BatchGetSecretValue error codes that mean the secret reads as absent. */
  private static final Set<String> BATCH_ABSENT =
      Set.of("ResourceNotFoundException", "InvalidRequestException");

  @Override
  public List<String> list(String prefixOfNames) {
    Objects.requireNonNull(prefixOfNames, "prefix");
    String wanted = prefix + prefixOfNames;
    TreeSet<String> names = new TreeSet<>();
    try {
      // The name filter is a case-sensitive prefix match; a value starting with '!' would be a
      // negation, and an empty one is refused, so those list everything and filter here.
      boolean serverFilter = !wanted.isEmpty() && !wanted.startsWith("!");
      client
          .listSecretsPaginator(
              b -> {
                b.includePlannedDeletion(false);
                if (serverFilter) {
                  b.filters(Filter.builder().key(FilterNameStringType.NAME).values(wanted).build());
                }
              })
          .stream()
          .flatMap(page -> page.secretList().stream())
          .map(SecretListEntry::name)
          .filter(n -> n != null && n.startsWith(wanted))
          .forEach(n -> names.add(n.substring(prefix.length())));
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "ListSecrets", prefixOfNames, e);
    }
    return List.copyOf(names);
  }

  @Override
  public SecretMetadata metadata(String name) {
    DescribeSecretResponse description = describe(name);
    boolean deleted = description.deletedDate() != null;
    Set<Long> destroyed = destroyed(description.tags());
    List<SecretVersion> versions = new ArrayList<>();
    List<Entry> entries;
    try {
      entries = entries(name);
    } catch (StrongroomException e) {
      if (!deleted) {
        throw e;
      }
      entries = List.of(); // AWS refuses to list the versions of a deleted secret
    }
    for (Entry entry : entries) {
      if (entry.number() > 0) {
        versions.add(
            new SecretVersion(
                name,
                entry.number(),
                entry.created(),
                entry.stages(),
                destroyed.contains(entry.number())));
      }
    }
    versions.sort(Comparator.comparingLong(SecretVersion::version));
    return new SecretMetadata(name, versions, deleted);
  }

  // --------------------------------------------------------------- writes

  @Override
  public SecretVersion write(WriteRequest request) {
    String name = request.name();
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      // DescribeSecret first: AWS refuses PutSecretValue on a secret scheduled for deletion
      // (InvalidRequestException, handled below), moto accepts it, so we check ourselves.
      Optional<DescribeSecretResponse> description = describeIfExists(name);
      if (description.isPresent() && description.get().deletedDate() != null) {
        throw new ConflictException(
            "cannot write '" + name + "': it is deleted (restore it first)");
      }
      Optional<List<Entry>> existing =
          description.isPresent() ? Optional.of(entries(name)) : Optional.empty();
      long latest = existing.map(SecretsManagerStore::latest).orElse(0L);
      long expected = request.expectedVersion();
      if (expected != WriteRequest.ANY_VERSION && expected != latest) {
        throw new ConflictException(
            "check-and-set failed for '"
                + name
                + "': expected version "
                + expected
                + " but the latest is "
                + latest);
      }
      long next = latest + 1;
      boolean checked = expected != WriteRequest.ANY_VERSION;
      String writer = checked ? WRITER_LABEL + UUID.randomUUID() : null;
      try {
        Set<Stage> stages;
        if (existing.isEmpty()) {
          create(name, next, request.value(), writer);
          if (checked && !createdBy(name, writer)) {
            throw lostRace(name, next, null);
          }
          stages = EnumSet.of(Stage.CURRENT);
          if (request.stage() == Stage.PENDING) {
            updateStage(name, Stage.PENDING, VersionTokens.token(next), null);
            stages.add(Stage.PENDING);
          }
        } else {
          put(name, next, request.value(), request.stage(), writer);
          if (checked && !claim(name, next, writer)) {
            throw lostRace(name, next, null);
          }
          stages = EnumSet.of(request.stage());
        }
        LOG.debug("wrote version {} of '{}' as {}", next, name, request.stage());
        return new SecretVersion(name, next, clock.instant(), stages, false);
      } catch (ResourceExistsException e) {
        // Another writer took version `next` (or created the secret) first.
        if (checked) {
          throw lostRace(name, next, e);
        }
      } catch (InvalidRequestException e) {
        throw new ConflictException(
            "cannot write '" + name + "': it is deleted (restore it first)", AwsErrors.sanitize(e));
      } catch (SdkException e) {
        throw AwsErrors.map(SERVICE + "PutSecretValue", name, e);
      }
    }
    throw new ConflictException(
        "gave up writing '" + name + "' after " + WRITE_ATTEMPTS + " concurrent writes");
  }

  private static ConflictException lostRace(String name, long number, SdkException cause) {
    String message =
        "check-and-set failed for '" + name + "': version " + number + " was written first";
    return cause == null
        ? new ConflictException(message)
        : new ConflictException(message, AwsErrors.sanitize(cause));
  }

  /** Whether the secret's writer tag is {@code writer}: our CreateSecret made it. */
  private boolean createdBy(String name, String writer) {
    return describe(name).tags().stream()
        .anyMatch(t -> WRITER_TAG.equals(t.key()) && writer.equals(t.value()));
  }

  /**
   * Whether version {@code number} carries our label {@code writer} (our PutSecretValue made it,
   * rather than being merged into another writer's identical one); removes the label.
   */
  private boolean claim(String name, long number, String writer) {
    String versionId = VersionTokens.token(number);
    boolean ours = false;
    String token = null;
    do {
      String next = token;
      ListSecretVersionIdsResponse page =
          call(
              "ListSecretVersionIds",
              name,
              () ->
                  client.listSecretVersionIds(
                      b -> b.secretId(id(name)).includeDeprecated(true).nextToken(next)));
      ours |=
          page.versions().stream()
              .anyMatch(v -> versionId.equals(v.versionId()) && v.versionStages().contains(writer));
      token = page.nextToken();
    } while (!ours && token != null && !token.isEmpty());
    if (ours) {
      try {
        client.updateSecretVersionStage(
            b -> b.secretId(id(name)).versionStage(writer).removeFromVersionId(versionId));
      } catch (SdkException e) {
        // The write stands; a left-over writer label is ignored by reads and metadata.
        LOG.debug("could not remove the writer label of '{}': {}", name, e.getClass().getName());
      }
    }
    return ours;
  }

  private void create(String name, long number, SecretValue value, String writer) {
    String text = utf8(value);
    client.createSecret(
        b -> {
          b.name(id(name)).clientRequestToken(VersionTokens.token(number));
          if (writer != null) {
            b.tags(Tag.builder().key(WRITER_TAG).value(writer).build());
          }
          if (text != null) {
            b.secretString(text);
          } else {
            b.secretBinary(SdkBytes.fromByteArrayUnsafe(value.copyBytes()));
          }
        });
  }

  private void put(String name, long number, SecretValue value, Stage stage, String writer) {
    String text = utf8(value);
    client.putSecretValue(
        b -> {
          b.secretId(id(name))
              .clientRequestToken(VersionTokens.token(number))
              .versionStages(
                  writer == null ? List.of(label(stage)) : List.of(label(stage), writer));
          if (text != null) {
            b.secretString(text);
          } else {
            b.secretBinary(SdkBytes.fromByteArrayUnsafe(value.copyBytes()));
          }
        });
  }

  @Override
  public SecretMetadata moveStage(MoveStageRequest request) {
    String name = request.name();
    Stage stage = request.stage();
    long version = request.version();
    long expectedCurrent = request.expectedCurrent();
    Objects.requireNonNull(stage, "stage");
    List<Entry> entries = entries(name);
    Entry target =
        entries.stream()
            .filter(e -> e.number() == version && version > 0)
            .findFirst()
            .orElseThrow(
                () -> new NotFoundException("no version " + version + " of '" + name + "'"));
    if (destroyedVersions(name).contains(version)) {
      throw new NotFoundException("version " + version + " of '" + name + "' is destroyed");
    }
    Optional<Entry> current = holder(entries, Stage.CURRENT);
    long currentNumber = current.map(Entry::number).orElse(0L);
    if (expectedCurrent != 0 && currentNumber != expectedCurrent) {
      throw new ConflictException(
          "cannot move "
              + stage
              + " of '"
              + name
              + "': expected current version "
              + expectedCurrent
              + " but it is "
              + currentNumber);
    }
    Optional<Entry> holder = holder(entries, stage);
    try {
      if (holder.isEmpty() || !holder.get().versionId().equals(target.versionId())) {
        updateStage(name, stage, target.versionId(), holder.map(Entry::versionId).orElse(null));
      }
      if (stage == Stage.CURRENT && target.stages().contains(Stage.PENDING)) {
        updateStage(name, Stage.PENDING, null, target.versionId());
      }
    } catch (InvalidParameterException e) {
      // RemoveFromVersionId no longer holds the label: someone moved it since we looked.
      throw new ConflictException(
          "cannot move " + stage + " of '" + name + "': it moved concurrently",
          AwsErrors.sanitize(e));
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "UpdateSecretVersionStage", name, e);
    }
    LOG.debug("moved {} of '{}' to version {}", stage, name, version);
    return metadata(name);
  }

  private void updateStage(String name, Stage stage, String moveTo, String removeFrom) {
    client.updateSecretVersionStage(
        b ->
            b.secretId(id(name))
                .versionStage(label(stage))
                .moveToVersionId(moveTo)
                .removeFromVersionId(removeFrom));
  }

  @Override
  public void delete(String name) {
    try {
      client.deleteSecret(
          b -> b.secretId(id(name)).recoveryWindowInDays((long) recoveryWindowDays));
    } catch (InvalidRequestException e) {
      if (describe(name).deletedDate() == null) {
        throw AwsErrors.map(SERVICE + "DeleteSecret", name, e);
      }
      // already soft-deleted: nothing to do
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + "DeleteSecret", name, e);
    }
    LOG.debug("soft-deleted '{}' with a {}-day recovery window", name, recoveryWindowDays);
  }

  @Override
  public void undelete(String name) {
    call("RestoreSecret", name, () -> client.restoreSecret(b -> b.secretId(id(name))));
    LOG.debug("restored '{}'", name);
  }

  @Override
  public void destroy(DestroyRequest request) {
    String name = request.name();
    List<Long> versions = request.versions();
    Objects.requireNonNull(versions, "versions");
    for (Long number : versions) {
      // Checked before any call, so that a bad list changes nothing (and is not a NotFound).
      if (Objects.requireNonNull(number, "version") < 1) {
        throw new IllegalArgumentException("expected versions >= 1 but was " + number);
      }
    }
    if (versions.isEmpty()) {
      if (describe(name).deletedDate() != null) {
        undelete(name); // a force delete is refused while a soft delete is scheduled
      }
      call(
          "DeleteSecret",
          name,
          () -> client.deleteSecret(b -> b.secretId(id(name)).forceDeleteWithoutRecovery(true)));
      LOG.debug("destroyed '{}'", name);
      return;
    }
    List<Entry> entries = entries(name);
    TreeSet<Long> destroyed = new TreeSet<>(destroyedVersions(name));
    for (long number : versions) {
      Entry entry =
          entries.stream()
              .filter(e -> e.number() == number && number > 0)
              .findFirst()
              .orElseThrow(
                  () -> new NotFoundException("no version " + number + " of '" + name + "'"));
      if (entry.stages().contains(Stage.CURRENT)) {
        throw new ConflictException(
            "cannot destroy version "
                + number
                + " of '"
                + name
                + "': it is CURRENT (move CURRENT to another version first)");
      }
      for (Stage stage : entry.stages()) {
        call(
            "UpdateSecretVersionStage",
            name,
            () -> {
              updateStage(name, stage, null, entry.versionId());
              return null;
            });
      }
      destroyed.add(number);
    }
    String tag = String.join(" ", destroyed.stream().map(String::valueOf).toList());
    if (tag.length() > 256) {
      throw new StrongroomException(
          "cannot record more destroyed versions of '" + name + "'; destroy the whole secret");
    }
    call(
        "TagResource",
        name,
        () ->
            client.tagResource(
                b ->
                    b.secretId(id(name))
                        .tags(Tag.builder().key(DESTROYED_TAG).value(tag).build())));
    LOG.debug("destroyed versions {} of '{}'", versions, name);
  }

  // -------------------------------------------------------------- helpers

  private String id(String name) {
    if (Objects.requireNonNull(name, "name").isEmpty()) {
      throw new IllegalArgumentException("expected a non-empty secret name");
    }
    return prefix + name;
  }

  private DescribeSecretResponse describe(String name) {
    return call("DescribeSecret", name, () -> client.describeSecret(b -> b.secretId(id(name))));
  }

  private Set<Long> destroyedVersions(String name) {
    return destroyed(describe(name).tags());
  }

  private static Set<Long> destroyed(Collection<Tag> tags) {
    Set<Long> out = new TreeSet<>();
    for (Tag tag : tags) {
      if (DESTROYED_TAG.equals(tag.key()) && tag.value() != null) {
        Arrays.stream(tag.value().trim().split(" +"))
            .filter(s -> !s.isEmpty())
            .forEach(s -> out.add(Long.parseLong(s)));
      }
    }
    return out;
  }

  private Optional<DescribeSecretResponse> describeIfExists(String name) {
    try {
      return Optional.of(describe(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  private List<Entry> entries(String name) {
    List<Entry> entries = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListSecretVersionIdsResponse page;
      try {
        page =
            client.listSecretVersionIds(
                b -> b.secretId(id(name)).includeDeprecated(true).nextToken(next));
      } catch (AwsServiceException e) {
        if (e.statusCode() >= 500) {
          // moto answers ListSecretVersionIds for a missing secret with HTTP 500 (a KeyError)
          // where AWS says ResourceNotFoundException: ask DescribeSecret which one it is.
          describe(name);
        }
        throw AwsErrors.map(SERVICE + "ListSecretVersionIds", name, e);
      } catch (SdkException e) {
        throw AwsErrors.map(SERVICE + "ListSecretVersionIds", name, e);
      }
      for (SecretVersionsListEntry v : page.versions()) {
        entries.add(
            new Entry(
                v.versionId(),
                VersionTokens.parse(v.versionId()),
                instant(v.createdDate()),
                stages(v.versionStages())));
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty()); // moto ends with "" rather than no token
    return entries;
  }

  private static long latest(List<Entry> entries) {
    return entries.stream().mapToLong(Entry::number).max().orElse(0);
  }

  private static Optional<Entry> holder(List<Entry> entries, Stage stage) {
    return entries.stream().filter(e -> e.stages().contains(stage)).findFirst();
  }

  private <T> T call(String operation, String name, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.map(SERVICE + operation, name, e);
    }
  }

  private Instant instant(Instant created) {
    return created == null ? clock.instant() : created;
  }

  static String label(Stage stage) {
    return "AWS" + stage.name();
  }

  static Set<Stage> stages(List<String> labels) {
    Set<Stage> stages = EnumSet.noneOf(Stage.class);
    for (String label : labels) {
      for (Stage stage : Stage.values()) {
        if (label(stage).equals(label)) {
          stages.add(stage);
        }
      }
    }
    return stages;
  }

  /** The value as a string if it is valid UTF-8, else null (store it as binary). */
  private static String utf8(SecretValue value) {
    return value.apply(
        bytes -> {
          try {
            return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
          } catch (CharacterCodingException e) {
            return null;
          }
        });
  }

  private static SecretValue value(String text, SdkBytes binary) {
    if (text != null) {
      return SecretValue.ofUtf8(text);
    }
    if (binary == null) {
      throw new StrongroomException("AWS Secrets Manager returned a version without a value");
    }
    byte[] bytes = binary.asByteArray();
    try {
      return SecretValue.of(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static SecretValue copy(SecretValue value) {
    byte[] bytes = value.copyBytes();
    try {
      return SecretValue.of(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
