package dev.strongroom.vault.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link SecretStore} over a KV version 2 mount, in the shape Vault's own tools read and write.
 *
 * <p><b>Values.</b> A secret {@code NAME} is the KV v2 secret {@code MOUNT/data/NAME}. A single
 * value is the data field {@value #VALUE_FIELD}: text as text, bytes that are not UTF-8 as base64
 * with the custom-metadata key {@code strongroom-base64-vN-W} (N the version, W a writer id)
 * marking version N as base64; a multi-field secret ({@link WriteRequest#fields()}) is its fields.
 * Reading, a version whose data is exactly one string field {@value #VALUE_FIELD} is a single
 * value; any other data is a multi-field secret and reads as the JSON object of its fields. So
 * {@code bao kv get -field=password} reads what Strongroom wrote and Strongroom reads what {@code
 * bao kv put} wrote, byte for byte.
 *
 * <p><b>Stages</b> follow what {@code kv get} serves, so native writers are followed: CURRENT is
 * the newest KV version when it is live (not deleted or destroyed), whoever wrote it; PREVIOUS is
 * the newest live version below CURRENT. PENDING never becomes a KV version of {@code NAME} before
 * promotion: it is kept in the reserved secret {@value #PENDING_PREFIX}{@code NAME} (data {@code
 * base}: the latest version it was made against, {@code base64}, {@code data}: the fields to
 * write), and it counts as version {@code base + 1} only while {@code NAME}'s latest version is
 * still {@code base}; once anything else is written, the pending value is stale and no longer read.
 * Promoting writes it as that next version with check-and-set {@code cas = base}; a native write
 * meanwhile makes the promotion fail with a conflict that names the version that is CURRENT. Moving
 * CURRENT back to an older live version writes that version's data again as a new version (as
 * {@code kv rollback} does). PREVIOUS cannot be moved: it follows CURRENT.
 *
 * <p><b>Concurrency across processes.</b> Every data write carries KV v2 check-and-set ({@code
 * options.cas}): writes without an expected version retry on a lost race; the pending record is
 * written with check-and-set on its own path, and a second PENDING write against the same base with
 * an expected version is a conflict while the first is in flight; custom metadata is only changed
 * with JSON merge patches of one key, never read-modify-written. No step rewrites state another
 * process may have changed since it was read.
 *
 * <p>Soft delete deletes every live version (so plain Vault clients see it deleted too) and
 * undelete restores them; {@link #destroy} with no versions deletes the metadata (every version and
 * the name) and the pending record.
 *
 * <p>Thread-safe.
 */
public final class KvSecretStore implements SecretStore {
  /** The data field of a single value. */
  public static final String VALUE_FIELD = "value";

  /** The custom-metadata key prefix marking a version's {@value #VALUE_FIELD} as base64. */
  public static final String BASE64_PREFIX = "strongroom-base64-v";

  /** Where pending values live, under the room's reserved prefix. */
  public static final String PENDING_PREFIX = ".strongroom/pending/";

  /** The base64 value field of secrets written before the native shape; still read. */
  static final String LEGACY_VALUE_FIELD = "strongroom-value-b64";

  /** The custom-metadata stage labels of secrets written before the native shape. */
  static final String LEGACY_STAGE = "strongroom-stage-";

  private static final int ATTEMPTS = 8;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final VaultHttp http;
  private final String mount;

  /**
   * The pending record version this client last wrote per secret, so that it never promotes a
   * PENDING value another writer put in its place (the SPI's promotion names only the version
   * number, which a replacement keeps). Entries leave on promotion.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> pendingWritten =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A store over the KV v2 mount {@code mount} (e.g. {@code secret}). */
  public KvSecretStore(VaultHttp http, String mount) {
    this.http = Objects.requireNonNull(http, "http");
    this.mount = Objects.requireNonNull(mount, "mount");
  }

  private record VersionInfo(Instant created, boolean deleted, boolean destroyed) {
    boolean live() {
      return !deleted && !destroyed;
    }
  }

  private record Meta(
      long latest, TreeMap<Long, VersionInfo> versions, Map<String, String> custom) {
    long current() {
      long legacy = legacyCurrent(custom, latest);
      if (legacy > 0 && versions.containsKey(legacy) && versions.get(legacy).live()) {
        return legacy;
      }
      VersionInfo info = versions.get(latest);
      return info != null && info.live() ? latest : 0;
    }

    long previous() {
      long current = current();
      if (current == 0) {
        return 0;
      }
      for (Map.Entry<Long, VersionInfo> e :
          versions.headMap(current, false).descendingMap().entrySet()) {
        if (e.getValue().live()) {
          return e.getKey();
        }
      }
      return 0;
    }

    Set<Stage> stagesOf(long version) {
      Set<Stage> stages = EnumSet.noneOf(Stage.class);
      if (version > 0 && version == current()) {
        stages.add(Stage.CURRENT);
      }
      if (version > 0 && version == previous()) {
        stages.add(Stage.PREVIOUS);
      }
      return stages;
    }

    boolean deleted() {
      boolean any = false;
      for (VersionInfo info : versions.values()) {
        if (!info.destroyed()) {
          if (!info.deleted()) {
            return false;
          }
          any = true;
        }
      }
      return any;
    }
  }

  /** A pending value: its record's own KV version, what it was made against, what to write. */
  private record Pending(
      long recordVersion, long base, Instant created, JsonNode data, boolean binary) {
    long version() {
      return base + 1;
    }
  }

  /** What a write stores: the data fields and whether {@value #VALUE_FIELD} is base64. */
  private record Shape(ObjectNode data, boolean binary) {}

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<StoredSecret> read(ReadRequest request) {
    String name = checkName(request.name());
    if (request.version() > 0) {
      Optional<Meta> meta = fetchMeta(name);
      if (meta.isPresent() && meta.get().versions().containsKey(request.version())) {
        return readVersion(name, request.version(), meta.get());
      }
      return livePending(name, meta)
          .filter(p -> p.version() == request.version())
          .map(p -> pendingStored(name, p));
    }
    switch (request.stage()) {
      case CURRENT:
        return readCurrent(name);
      case PREVIOUS:
        {
          Optional<Meta> meta = fetchMeta(name);
          long previous = meta.map(Meta::previous).orElse(0L);
          return previous == 0 ? Optional.empty() : readVersion(name, previous, meta.get());
        }
      default:
        return livePending(name, fetchMeta(name)).map(p -> pendingStored(name, p));
    }
  }

  /** CURRENT in one call: what {@code kv get} serves (the newest version, if it is live). */
  private Optional<StoredSecret> readCurrent(String name) {
    VaultHttp.Response latest = http.send("GET", dataPath(name), null);
    if (latest.status() == 404) {
      return Optional.empty();
    }
    if (!latest.ok()) {
      throw VaultHttp.failure("GET", dataPath(name), latest);
    }
    JsonNode metadata = latest.data().path("metadata");
    long version = metadata.path("version").asLong();
    Map<String, String> custom = custom(metadata.path("custom_metadata"));
    if (legacyCurrent(custom, version) > 0) {
      Optional<Meta> meta = fetchMeta(name);
      long current = meta.map(Meta::current).orElse(0L);
      return current == 0 ? Optional.empty() : readVersion(name, current, meta.get());
    }
    boolean binary = isBinary(custom, version);
    return Optional.of(
        toStored(
            name,
            version,
            instant(metadata.path("created_time")),
            Set.of(Stage.CURRENT),
            latest.data().path("data"),
            binary));
  }

  private Optional<StoredSecret> readVersion(String name, long version, Meta meta) {
    VaultHttp.Response response = http.send("GET", dataPath(name) + "?version=" + version, null);
    if (response.status() == 404) {
      return Optional.empty();
    }
    if (!response.ok()) {
      throw VaultHttp.failure("GET", dataPath(name), response);
    }
    JsonNode metadata = response.data().path("metadata");
    if (metadata.path("destroyed").asBoolean()
        || !metadata.path("deletion_time").asText("").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        toStored(
            name,
            version,
            instant(metadata.path("created_time")),
            meta.stagesOf(version),
            response.data().path("data"),
            isBinary(custom(metadata.path("custom_metadata")), version)));
  }

  private StoredSecret pendingStored(String name, Pending pending) {
    return toStored(
        name,
        pending.version(),
        pending.created(),
        Set.of(Stage.PENDING),
        pending.data(),
        pending.binary());
  }

  private static StoredSecret toStored(
      String name,
      long version,
      Instant created,
      Set<Stage> stages,
      JsonNode data,
      boolean binary) {
    SecretVersion secretVersion = new SecretVersion(name, version, created, stages, false);
    byte[] bytes = valueBytes(data, binary);
    try {
      return StoredSecret.of(secretVersion, SecretValue.of(bytes));
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Secrets written before the native shape (issue 13): their stages were custom-metadata labels
   * and a rotation wrote its PENDING value as the newest KV version. While such an unpromoted
   * legacy PENDING is still the newest version, the legacy CURRENT label stays CURRENT (so an
   * unverified value is never served); the next write ends it. Returns that version, or 0.
   */
  private static long legacyCurrent(Map<String, String> custom, long latest) {
    long pending = parseLong(custom.get(LEGACY_STAGE + "PENDING"));
    long current = parseLong(custom.get(LEGACY_STAGE + "CURRENT"));
    return pending == latest && current > 0 && current < latest ? current : 0;
  }

  private static long parseLong(String text) {
    try {
      return text == null ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A single value's bytes, or the JSON object of a multi-field secret. */
  private static byte[] valueBytes(JsonNode data, boolean binary) {
    JsonNode legacy = data.size() == 1 ? data.get(LEGACY_VALUE_FIELD) : null;
    if (legacy != null && legacy.isTextual()) {
      try {
        return Base64.getDecoder().decode(legacy.textValue()); // written before the native shape
      } catch (IllegalArgumentException e) {
        // not ours after all: read as fields below
      }
    }
    JsonNode single = data.size() == 1 ? data.get(VALUE_FIELD) : null;
    if (single != null && single.isTextual()) {
      if (binary) {
        try {
          return Base64.getDecoder().decode(single.textValue());
        } catch (IllegalArgumentException e) {
          // marked but not base64: another writer's text (see the class comment); read as text
        }
      }
      return single.textValue().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return VaultHttp.JSON.writeValueAsBytes(data.isObject() ? data : VaultHttp.object());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("expected a serialisable JSON tree");
    }
  }

  // --------------------------------------------------------------- writes

  @Override
  public SecretVersion write(WriteRequest request) {
    String name = checkName(request.name());
    Shape shape = shape(request);
    if (request.stage() == Stage.PENDING) {
      return writePending(name, request.expectedVersion(), shape);
    }
    for (int attempt = 1; ; attempt++) {
      Optional<Meta> meta = fetchMeta(name);
      long latest = meta.map(Meta::latest).orElse(0L);
      if (request.expectedVersion() != WriteRequest.ANY_VERSION
          && request.expectedVersion() != latest) {
        throw new ConflictException(
            "vault kv "
                + name
                + ": check-and-set failed, expected latest version "
                + request.expectedVersion()
                + " but it is "
                + latest
                + "; CURRENT is "
                + describeCurrent(meta));
      }
      try {
        return writeMain(name, latest, shape.data(), shape.binary());
      } catch (ConflictException e) {
        if (request.expectedVersion() != WriteRequest.ANY_VERSION || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Writes {@code data} as version {@code latest + 1} with {@code cas = latest}. A base64 value's
   * marker is added before the data (so no reader sees the version unmarked) under a key of this
   * writer's own, and removed again if the check-and-set is lost.
   */
  private SecretVersion writeMain(String name, long latest, JsonNode data, boolean binary) {
    String marker = null;
    if (binary) {
      marker = BASE64_PREFIX + (latest + 1) + "-" + writerId();
      patchCustom(name, marker, "true");
    }
    ObjectNode body = VaultHttp.object();
    body.putObject("options").put("cas", latest);
    body.set("data", data);
    VaultHttp.Response response = http.send("POST", dataPath(name), body);
    if (response.status() == 400 && response.errorContains("check-and-set")) {
      if (marker != null) {
        patchCustom(name, marker, null);
      }
      Optional<Meta> now = fetchMeta(name);
      throw new ConflictException(
          "vault kv "
              + name
              + ": check-and-set failed, another writer made version "
              + now.map(Meta::latest).orElse(0L)
              + " first; CURRENT is "
              + describeCurrent(now));
    }
    if (!response.ok()) {
      if (marker != null) {
        patchCustom(name, marker, null);
      }
      throw VaultHttp.failure("POST", dataPath(name), response);
    }
    long version = response.data().path("version").asLong();
    String mine = marker;
    if (mine != null && !fetchMeta(name).map(m -> m.custom().containsKey(mine)).orElse(false)) {
      patchCustom(name, mine, "true"); // a concurrent first writer replaced the new metadata
    }
    return new SecretVersion(
        name, version, instant(response.data().path("created_time")), Set.of(Stage.CURRENT), false);
  }

  private SecretVersion writePending(String name, long expected, Shape shape) {
    Optional<Meta> meta = fetchMeta(name);
    long base = meta.map(Meta::latest).orElse(0L);
    RecordState record = pendingRecord(name);
    boolean inFlight = record.pending().isPresent() && record.pending().get().base() == base;
    // the latest version the caller can have seen: the pending one, while it is live
    long seen = inFlight ? base + 1 : base;
    if (expected != WriteRequest.ANY_VERSION && expected != seen) {
      throw new ConflictException(
          "vault kv "
              + name
              + ": check-and-set failed, expected latest version "
              + expected
              + " but it is "
              + seen
              + (inFlight ? " (a PENDING value)" : "")
              + "; CURRENT is "
              + describeCurrent(meta));
    }
    ObjectNode body = VaultHttp.object();
    body.putObject("options").put("cas", record.latest());
    ObjectNode data = body.putObject("data");
    data.put("base", Long.toString(base));
    data.put("base64", Boolean.toString(shape.binary()));
    data.set("data", shape.data());
    VaultHttp.Response response = http.send("POST", dataPath(pendingName(name)), body);
    if (response.status() == 400 && response.errorContains("check-and-set")) {
      throw new ConflictException(
          "vault kv "
              + name
              + ": another writer stored a PENDING value at the same time; CURRENT is "
              + describeCurrent(meta));
    }
    if (!response.ok()) {
      throw VaultHttp.failure("POST", dataPath(pendingName(name)), response);
    }
    pendingWritten.put(name, response.data().path("version").asLong());
    return new SecretVersion(
        name,
        base + 1,
        instant(response.data().path("created_time")),
        Set.of(Stage.PENDING),
        false);
  }

  // ---------------------------------------------------------------- stages

  @Override
  public SecretMetadata moveStage(MoveStageRequest request) {
    String name = request.name();
    Stage stage = request.stage();
    long version = request.version();
    long expectedCurrent = request.expectedCurrent();
    checkName(name);
    Objects.requireNonNull(stage, "stage");
    Optional<Meta> found = fetchMeta(name);
    Optional<Pending> pending = livePending(name, found);
    if (found.isEmpty() && pending.isEmpty()) {
      throw new NotFoundException("vault kv " + name + ": no such secret");
    }
    Meta meta = found.orElseGet(() -> new Meta(0, new TreeMap<>(), Map.of()));
    long current = meta.current();
    if (stage == Stage.PREVIOUS) {
      throw new IllegalArgumentException(
          "expected CURRENT or PENDING: on Vault PREVIOUS follows CURRENT (the newest live version"
              + " below it) and cannot be moved");
    }
    boolean isPending = pending.isPresent() && pending.get().version() == version;
    VersionInfo info = meta.versions().get(version);
    if (!isPending && version > meta.latest() && pendingWritten.containsKey(name)) {
      // this client's pending value was replaced or promoted by another writer between its reads
      pendingWritten.remove(name);
      throw new ConflictException(
          "vault kv "
              + name
              + ": the PENDING version "
              + version
              + " this client wrote was replaced or promoted by another writer; CURRENT is "
              + describeCurrent(fetchMeta(name)));
    }
    if (!isPending && (info == null || !info.live())) {
      throw new NotFoundException(
          "vault kv " + name + ": no live version " + version + "; CURRENT is " + describe(meta));
    }
    if (stage == Stage.PENDING) {
      if (isPending) {
        return toMetadata(name, meta, pending);
      }
      throw new IllegalArgumentException(
          "expected the PENDING version: on Vault PENDING is a value written with a PENDING write,"
              + " kept apart from the versions native readers see, not a label on version "
              + version);
    }
    if (expectedCurrent != 0 && current != expectedCurrent) {
      throw new ConflictException(
          "vault kv "
              + name
              + ": expected CURRENT version "
              + expectedCurrent
              + " but CURRENT is "
              + describe(meta));
    }
    if (version == current) {
      return toMetadata(name, meta, pending);
    }
    if (isPending) {
      Long mine = pendingWritten.get(name);
      if (mine != null && mine != pending.get().recordVersion()) {
        pendingWritten.remove(name, mine);
        throw new ConflictException(
            "vault kv "
                + name
                + ": the PENDING value this client wrote was replaced by another writer's before"
                + " the promotion; CURRENT is "
                + describe(meta));
      }
      writeMain(name, meta.latest(), pending.get().data(), pending.get().binary());
      pendingWritten.remove(name, pending.get().recordVersion());
      destroyRecordVersion(name, pending.get().recordVersion());
    } else {
      // a rollback: the old version's data again, as a new version (as `kv rollback` does)
      VaultHttp.Response old = http.send("GET", dataPath(name) + "?version=" + version, null);
      if (!old.ok()) {
        throw VaultHttp.failure("GET", dataPath(name), old);
      }
      boolean binary =
          isBinary(custom(old.data().path("metadata").path("custom_metadata")), version);
      writeMain(name, meta.latest(), old.data().path("data"), binary);
    }
    Meta after = requireMeta(name);
    return toMetadata(name, after, livePending(name, Optional.of(after)));
  }

  // ------------------------------------------------------------ lifecycle

  @Override
  public List<String> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    int slash = prefix.lastIndexOf('/');
    String dir = slash < 0 ? "" : prefix.substring(0, slash + 1);
    TreeSet<String> names = new TreeSet<>();
    walk(dir, prefix, names);
    return List.copyOf(names);
  }

  @Override
  public SecretMetadata metadata(String name) {
    checkName(name);
    Optional<Meta> meta = fetchMeta(name);
    Optional<Pending> pending = livePending(name, meta);
    if (meta.isEmpty() && pending.isEmpty()) {
      throw new NotFoundException("vault kv " + name + ": no such secret");
    }
    return toMetadata(name, meta.orElseGet(() -> new Meta(0, new TreeMap<>(), Map.of())), pending);
  }

  @Override
  public void delete(String name) {
    checkName(name);
    Meta meta = requireMeta(name);
    List<Long> live = new ArrayList<>();
    meta.versions()
        .forEach(
            (v, info) -> {
              if (info.live()) {
                live.add(v);
              }
            });
    if (!live.isEmpty()) {
      http.expectOk("POST", mount + "/delete/" + VaultHttp.encodePath(name), versions(live));
    }
  }

  @Override
  public void undelete(String name) {
    checkName(name);
    Meta meta = requireMeta(name);
    List<Long> deleted = new ArrayList<>();
    meta.versions()
        .forEach(
            (v, info) -> {
              if (info.deleted() && !info.destroyed()) {
                deleted.add(v);
              }
            });
    if (!deleted.isEmpty()) {
      http.expectOk("POST", mount + "/undelete/" + VaultHttp.encodePath(name), versions(deleted));
    }
  }

  @Override
  public void destroy(DestroyRequest request) {
    String name = request.name();
    List<Long> versionList = request.versions();
    checkName(name);
    Objects.requireNonNull(versionList, "versions");
    for (Long version : versionList) {
      if (version == null || version < 1) {
        throw new IllegalArgumentException("expected versions >= 1 but was " + version);
      }
    }
    // KV v2 answers 204 to destroying a name or version that does not exist; the SPI says 404.
    requireMeta(name);
    if (versionList.isEmpty()) {
      http.expectOk("DELETE", metadataPath(name), null);
      VaultHttp.Response pending = http.send("DELETE", metadataPath(pendingName(name)), null);
      if (!pending.ok() && pending.status() != 404) {
        throw VaultHttp.failure("DELETE", metadataPath(pendingName(name)), pending);
      }
    } else {
      http.expectOk(
          "POST", mount + "/destroy/" + VaultHttp.encodePath(name), versions(versionList));
    }
  }

  // ------------------------------------------------------------- internals

  private static Shape shape(WriteRequest request) {
    ObjectNode data = VaultHttp.object();
    byte[] bytes = request.value().copyBytes();
    try {
      if (request.fields()) {
        JsonNode parsed;
        try {
          parsed = VaultHttp.JSON.readTree(bytes);
        } catch (IOException e) {
          parsed = null; // the parser's message quotes the input: dropped
        }
        if (parsed == null || !parsed.isObject()) {
          throw new IllegalArgumentException(
              "expected the fields of secret '" + request.name() + "' as a JSON object");
        }
        return new Shape((ObjectNode) parsed, false);
      }
      String text = utf8(bytes);
      if (text != null) {
        data.put(VALUE_FIELD, text);
        return new Shape(data, false);
      }
      data.put(VALUE_FIELD, Base64.getEncoder().encodeToString(bytes));
      return new Shape(data, true);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static String utf8(byte[] bytes) {
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
  }

  private static boolean isBinary(Map<String, String> custom, long version) {
    String prefix = BASE64_PREFIX + version + "-";
    for (Map.Entry<String, String> e : custom.entrySet()) {
      if (e.getKey().startsWith(prefix) && "true".equals(e.getValue())) {
        return true;
      }
    }
    return false;
  }

  private static String writerId() {
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** Sets ({@code value} non-null) or removes one custom-metadata key with a JSON merge patch. */
  private void patchCustom(String name, String key, String value) {
    ObjectNode body = VaultHttp.object();
    ObjectNode custom = body.putObject("custom_metadata");
    if (value == null) {
      custom.putNull(key);
    } else {
      custom.put(key, value);
    }
    VaultHttp.Response response = http.send("PATCH", metadataPath(name), body);
    if (response.status() == 404 && value != null) {
      // a new secret has no metadata to patch yet: create it with this key (a concurrent first
      // writer may replace it; writeMain checks its marker after its data write won)
      response = http.send("POST", metadataPath(name), body);
    }
    if (!response.ok() && !(response.status() == 404 && value == null)) {
      throw VaultHttp.failure("PATCH", metadataPath(name), response);
    }
  }

  /** The pending record's state: its latest KV version (for check-and-set) and a live pending. */
  private record RecordState(long latest, Optional<Pending> pending) {}

  private RecordState pendingRecord(String name) {
    VaultHttp.Response response = http.send("GET", dataPath(pendingName(name)), null);
    if (response.status() == 404) {
      long latest = response.data().path("metadata").path("version").asLong(0);
      return new RecordState(latest, Optional.empty());
    }
    if (!response.ok()) {
      throw VaultHttp.failure("GET", dataPath(pendingName(name)), response);
    }
    JsonNode metadata = response.data().path("metadata");
    JsonNode data = response.data().path("data");
    long recordVersion = metadata.path("version").asLong();
    long base;
    try {
      base = Long.parseLong(data.path("base").asText(""));
    } catch (NumberFormatException e) {
      return new RecordState(recordVersion, Optional.empty());
    }
    return new RecordState(
        recordVersion,
        Optional.of(
            new Pending(
                recordVersion,
                base,
                instant(metadata.path("created_time")),
                data.path("data"),
                data.path("base64").asBoolean())));
  }

  /** The pending value, if there is one made against the secret's latest version. */
  private Optional<Pending> livePending(String name, Optional<Meta> meta) {
    long latest = meta.map(Meta::latest).orElse(0L);
    return pendingRecord(name).pending().filter(p -> p.base() == latest);
  }

  private void destroyRecordVersion(String name, long recordVersion) {
    VaultHttp.Response response =
        http.send(
            "POST",
            mount + "/destroy/" + VaultHttp.encodePath(pendingName(name)),
            versions(List.of(recordVersion)));
    if (!response.ok() && response.status() != 404) {
      throw VaultHttp.failure("POST", mount + "/destroy/" + pendingName(name), response);
    }
  }

  private static String pendingName(String name) {
    return PENDING_PREFIX + name;
  }

  private static String describeCurrent(Optional<Meta> meta) {
    return meta.map(KvSecretStore::describe).orElse("no version (the secret does not exist)");
  }

  private static String describe(Meta meta) {
    long current = meta.current();
    return current > 0
        ? "version " + current
        : "no version (the newest version, " + meta.latest() + ", is deleted or destroyed)";
  }

  private void walk(String dir, String prefix, TreeSet<String> names) {
    VaultHttp.Response response =
        http.send("LIST", mount + "/metadata/" + VaultHttp.encodePath(dir), null);
    if (response.status() == 404) {
      return;
    }
    if (!response.ok()) {
      throw VaultHttp.failure("LIST", mount + "/metadata/" + dir, response);
    }
    for (JsonNode key : response.data().path("keys")) {
      String full = dir + key.asText();
      if (full.startsWith(PENDING_PREFIX) || (full + "/").equals(PENDING_PREFIX)) {
        continue; // the store's own pending records
      }
      if (full.endsWith("/")) {
        if (full.startsWith(prefix) || prefix.startsWith(full)) {
          walk(full, prefix, names);
        }
      } else if (full.startsWith(prefix)) {
        Optional<Meta> meta = fetchMeta(full);
        if (meta.isPresent() && !meta.get().deleted()) {
          names.add(full);
        }
      }
    }
  }

  private static SecretMetadata toMetadata(String name, Meta meta, Optional<Pending> pending) {
    List<SecretVersion> versions = new ArrayList<>();
    meta.versions()
        .forEach(
            (v, info) ->
                versions.add(
                    new SecretVersion(
                        name, v, info.created(), meta.stagesOf(v), info.destroyed())));
    pending.ifPresent(
        p ->
            versions.add(
                new SecretVersion(name, p.version(), p.created(), Set.of(Stage.PENDING), false)));
    return new SecretMetadata(name, versions, meta.deleted());
  }

  private Meta requireMeta(String name) {
    return fetchMeta(name)
        .orElseThrow(() -> new NotFoundException("vault kv " + name + ": no such secret"));
  }

  private Optional<Meta> fetchMeta(String name) {
    VaultHttp.Response response = http.send("GET", metadataPath(name), null);
    if (response.status() == 404) {
      return Optional.empty();
    }
    if (!response.ok()) {
      throw VaultHttp.failure("GET", metadataPath(name), response);
    }
    JsonNode data = response.data();
    TreeMap<Long, VersionInfo> versions = new TreeMap<>();
    data.path("versions")
        .properties()
        .forEach(
            e ->
                versions.put(
                    Long.parseLong(e.getKey()),
                    new VersionInfo(
                        instant(e.getValue().path("created_time")),
                        !e.getValue().path("deletion_time").asText("").isEmpty(),
                        e.getValue().path("destroyed").asBoolean())));
    return Optional.of(
        new Meta(
            data.path("current_version").asLong(), versions, custom(data.path("custom_metadata"))));
  }

  private static TreeMap<String, String> custom(JsonNode node) {
    TreeMap<String, String> custom = new TreeMap<>();
    node.properties().forEach(e -> custom.put(e.getKey(), e.getValue().asText()));
    return custom;
  }

  private static ObjectNode versions(List<Long> versions) {
    ObjectNode body = VaultHttp.object();
    ArrayNode array = body.putArray("versions");
    versions.forEach(array::add);
    return body;
  }

  private static Instant instant(JsonNode node) {
    String text = node.asText("");
    return text.isEmpty() ? Instant.EPOCH : Instant.parse(text);
  }

  private String dataPath(String name) {
    return mount + "/data/" + VaultHttp.encodePath(name);
  }

  private String metadataPath(String name) {
    return mount + "/metadata/" + VaultHttp.encodePath(name);
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()
        || name.startsWith("/")
        || name.endsWith("/")
        || name.contains("//")
        || Arrays.asList(name.split("/")).contains("..")
        || Arrays.asList(name.split("/")).contains(".")) {
      throw new IllegalArgumentException(
          "expected a secret name of non-empty segments separated by '/' but was '" + name + "'");
    }
    return name;
  }
}
