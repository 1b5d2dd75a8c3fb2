package dev.strongroom.vault.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SecretStore} over a KV version 2 mount.
 *
 * <p>Design: a secret is a KV v2 secret of the same name; its value is stored base64-encoded in the
 * data field {@value #VALUE_FIELD} (secrets written by other clients, without that field, read as
 * the JSON of their data). KV v2 numbers versions and does check-and-set ({@code options.cas}) on
 * writes itself. Stages live in the secret's {@code custom_metadata} as {@code
 * strongroom-stage-CURRENT = 3}; a secret without any stage entry (written by another client) has
 * its latest version as CURRENT. Soft delete deletes every live version (so plain Vault clients see
 * it deleted too) and undelete restores them; a secret is deleted when it has versions that are not
 * destroyed and all of them are deleted. {@link #destroy} with no versions deletes the metadata,
 * which removes every version and the name.
 *
 * <p>A write is three calls (metadata, data with CAS, metadata update); a stage move is two. KV v2
 * has no check-and-set on metadata, so stage updates are serialised per name within this process
 * and checked against the metadata just read; two processes moving the same secret's stages at the
 * same instant can lose one update.
 *
 * <p>Thread-safe.
 */
public final class KvSecretStore implements SecretStore {
  /** The data field holding the base64 value. */
  public static final String VALUE_FIELD = "strongroom-value-b64";

  /** The custom-metadata key prefix of stage labels. */
  public static final String STAGE_PREFIX = "strongroom-stage-";

  private final VaultHttp http;
  private final String mount;

  /** Striped per-name write locks; locks, not monitors, because they are held across HTTP calls. */
  private final ReentrantLock[] locks = new ReentrantLock[64];

  /** A store over the KV v2 mount {@code mount} (e.g. {@code secret}). */
  public KvSecretStore(VaultHttp http, String mount) {
    this.http = Objects.requireNonNull(http, "http");
    this.mount = Objects.requireNonNull(mount, "mount");
    Arrays.setAll(locks, i -> new ReentrantLock());
  }

  private record VersionInfo(Instant created, boolean deleted, boolean destroyed) {}

  private record Meta(
      long currentVersion, TreeMap<Long, VersionInfo> versions, TreeMap<String, String> custom) {

    long stage(Stage stage) {
      String value = custom.get(STAGE_PREFIX + stage.name());
      if (value != null) {
        try {
          return Long.parseLong(value);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
      boolean anyStage = custom.keySet().stream().anyMatch(k -> k.startsWith(STAGE_PREFIX));
      return stage == Stage.CURRENT && !anyStage ? currentVersion : 0;
    }

    Set<Stage> stagesOf(long version) {
      Set<Stage> stages = EnumSet.noneOf(Stage.class);
      for (Stage stage : Stage.values()) {
        if (version > 0 && stage(stage) == version) {
          stages.add(stage);
        }
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

  @Override
  public Optional<StoredSecret> read(ReadRequest request) {
    String name = checkName(request.name());
    if (request.version() > 0) {
      return readVersion(name, request.version(), null);
    }
    if (request.stage() == Stage.CURRENT) {
      VaultHttp.Response latest = http.send("GET", dataPath(name), null);
      if (latest.status() == 404 && !latest.data().path("metadata").isObject()) {
        return Optional.empty();
      }
      if (!latest.ok() && latest.status() != 404) {
        throw VaultHttp.failure("GET", dataPath(name), latest);
      }
      JsonNode metadata = latest.data().path("metadata");
      TreeMap<String, String> custom = custom(metadata.path("custom_metadata"));
      long version = metadata.path("version").asLong();
      Meta partial = new Meta(version, new TreeMap<>(), custom);
      long current = partial.stage(Stage.CURRENT);
      if (current == version) {
        return latest.ok() ? Optional.of(toStored(name, latest.data(), partial)) : Optional.empty();
      }
      return current == 0 ? Optional.empty() : readVersion(name, current, partial);
    }
    Optional<Meta> meta = fetchMeta(name);
    if (meta.isEmpty()) {
      return Optional.empty();
    }
    long version = meta.get().stage(request.stage());
    return version == 0 ? Optional.empty() : readVersion(name, version, meta.get());
  }

  @Override
  public SecretVersion write(WriteRequest request) {
    String name = checkName(request.name());
    ReentrantLock stripe = lock(name);
    stripe.lock();
    try {
      Optional<Meta> before = fetchMeta(name);
      ObjectNode body = VaultHttp.object();
      if (request.expectedVersion() != WriteRequest.ANY_VERSION) {
        body.putObject("options").put("cas", request.expectedVersion());
      }
      ObjectNode data = body.putObject("data");
      byte[] value = request.value().copyBytes();
      try {
        data.put(VALUE_FIELD, Base64.getEncoder().encodeToString(value));
      } finally {
        Arrays.fill(value, (byte) 0);
      }
      VaultHttp.Response response = http.send("POST", dataPath(name), body);
      if (response.status() == 400 && response.errorContains("check-and-set")) {
        throw new ConflictException(
            "vault kv "
                + name
                + ": check-and-set failed, expected latest version "
                + request.expectedVersion());
      }
      if (!response.ok()) {
        throw VaultHttp.failure("POST", dataPath(name), response);
      }
      long version = response.data().path("version").asLong();
      Instant created = instant(response.data().path("created_time"));
      TreeMap<String, String> custom =
          before.map(m -> new TreeMap<>(m.custom())).orElseGet(TreeMap::new);
      Meta old = new Meta(before.map(Meta::currentVersion).orElse(0L), new TreeMap<>(), custom);
      TreeMap<String, String> updated = new TreeMap<>(custom);
      if (request.stage() == Stage.CURRENT) {
        promote(updated, old.stage(Stage.CURRENT), version, old.stage(Stage.PENDING));
      } else {
        updated.put(STAGE_PREFIX + Stage.PENDING.name(), Long.toString(version));
      }
      writeCustom(name, updated);
      Meta after = new Meta(version, new TreeMap<>(), updated);
      return new SecretVersion(name, version, created, after.stagesOf(version), false);
    } finally {
      stripe.unlock();
    }
  }

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
    return toMetadata(name, requireMeta(name));
  }

  @Override
  public SecretMetadata moveStage(String name, Stage stage, long version, long expectedCurrent) {
    checkName(name);
    Objects.requireNonNull(stage, "stage");
    ReentrantLock stripe = lock(name);
    stripe.lock();
    try {
      Meta meta = requireMeta(name);
      VersionInfo info = meta.versions().get(version);
      if (info == null || info.destroyed() || info.deleted()) {
        throw new NotFoundException("vault kv " + name + ": no live version " + version);
      }
      long current = meta.stage(Stage.CURRENT);
      if (expectedCurrent != 0 && current != expectedCurrent) {
        throw new ConflictException(
            "vault kv "
                + name
                + ": expected current version "
                + expectedCurrent
                + " but was "
                + current);
      }
      TreeMap<String, String> updated = new TreeMap<>(meta.custom());
      if (stage == Stage.CURRENT) {
        promote(updated, current, version, meta.stage(Stage.PENDING));
      } else {
        updated.put(STAGE_PREFIX + stage.name(), Long.toString(version));
      }
      writeCustom(name, updated);
      return toMetadata(name, new Meta(meta.currentVersion(), meta.versions(), updated));
    } finally {
      stripe.unlock();
    }
  }

  @Override
  public void delete(String name) {
    checkName(name);
    Meta meta = requireMeta(name);
    List<Long> live = new ArrayList<>();
    meta.versions()
        .forEach(
            (v, info) -> {
              if (!info.deleted() && !info.destroyed()) {
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
  public void destroy(String name, List<Long> versionList) {
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
    } else {
      http.expectOk(
          "POST", mount + "/destroy/" + VaultHttp.encodePath(name), versions(versionList));
    }
  }

  private static void promote(
      TreeMap<String, String> custom, long oldCurrent, long version, long pending) {
    if (oldCurrent > 0 && oldCurrent != version) {
      custom.put(STAGE_PREFIX + Stage.PREVIOUS.name(), Long.toString(oldCurrent));
    }
    custom.put(STAGE_PREFIX + Stage.CURRENT.name(), Long.toString(version));
    if (pending == version) {
      custom.remove(STAGE_PREFIX + Stage.PENDING.name());
    }
  }

  private Optional<StoredSecret> readVersion(String name, long version, Meta known) {
    VaultHttp.Response response = http.send("GET", dataPath(name) + "?version=" + version, null);
    if (response.status() == 404) {
      return Optional.empty();
    }
    if (!response.ok()) {
      throw VaultHttp.failure("GET", dataPath(name), response);
    }
    Meta meta =
        known != null
            ? known
            : new Meta(
                0,
                new TreeMap<>(),
                custom(response.data().path("metadata").path("custom_metadata")));
    return Optional.of(toStored(name, response.data(), meta));
  }

  private StoredSecret toStored(String name, JsonNode data, Meta meta) {
    JsonNode metadata = data.path("metadata");
    long version = metadata.path("version").asLong();
    SecretVersion secretVersion =
        new SecretVersion(
            name,
            version,
            instant(metadata.path("created_time")),
            meta.stagesOf(version),
            metadata.path("destroyed").asBoolean());
    JsonNode fields = data.path("data");
    JsonNode encoded = fields.path(VALUE_FIELD);
    byte[] bytes;
    if (encoded.isTextual()) {
      bytes = Base64.getDecoder().decode(encoded.asText());
    } else {
      try {
        bytes = VaultHttp.JSON.writeValueAsBytes(fields);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("expected a serialisable JSON tree");
      }
    }
    try {
      return StoredSecret.of(secretVersion, SecretValue.of(bytes));
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
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

  private SecretMetadata toMetadata(String name, Meta meta) {
    List<SecretVersion> versions = new ArrayList<>();
    meta.versions()
        .forEach(
            (v, info) ->
                versions.add(
                    new SecretVersion(
                        name, v, info.created(), meta.stagesOf(v), info.destroyed())));
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

  private void writeCustom(String name, Map<String, String> custom) {
    ObjectNode body = VaultHttp.object();
    ObjectNode node = body.putObject("custom_metadata");
    custom.forEach(node::put);
    http.expectOk("POST", metadataPath(name), body);
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

  private ReentrantLock lock(String name) {
    return locks[(name.hashCode() & 0x7fffffff) % locks.length];
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
