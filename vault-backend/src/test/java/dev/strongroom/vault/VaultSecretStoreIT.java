package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KV v2 secret store against the real OpenBao dev server. {@link #newStore()} is the factory
 * the backend contract suite will use once it lands in core's test-jar.
 */
class VaultSecretStoreIT {
  private SecretStore store;
  private String root;

  /** A store on the dev server's {@code secret/} mount. */
  static SecretStore newStore() {
    return VaultServers.devBackend().secrets();
  }

  @BeforeEach
  void setUp() {
    store = newStore();
    root = VaultServers.unique("it-kv") + "/";
  }

  @AfterEach
  void tearDown() {
    for (String name : store.list(root)) {
      store.destroy(DestroyRequest.all(name));
    }
    store.close();
  }

  private SecretVersion put(String name, String value, Stage stage, long expected) {
    return store.write(new WriteRequest(name, SecretValue.ofUtf8(value), stage, expected));
  }

  private static String text(StoredSecret secret) {
    return secret.value().copyUtf8String();
  }

  @Test
  void write_twice_keepsVersionsAndMovesPrevious() {
    String name = root + "db/password";
    assertEquals(1, put(name, "one", Stage.CURRENT, 0).version());
    SecretVersion second = put(name, "two", Stage.CURRENT, 1);
    assertEquals(2, second.version());
    assertEquals(Set.of(Stage.CURRENT), second.stages());

    StoredSecret current = store.read(ReadRequest.current(name)).orElseThrow();
    assertEquals("two", text(current));
    assertEquals(Set.of(Stage.CURRENT), current.version().stages());
    assertEquals("one", text(store.read(ReadRequest.version(name, 1)).orElseThrow()));
    assertEquals("one", text(store.read(ReadRequest.stage(name, Stage.PREVIOUS)).orElseThrow()));
    SecretMetadata meta = store.metadata(name);
    assertEquals(2, meta.latestVersion());
    assertEquals(1, meta.withStage(Stage.PREVIOUS).orElseThrow().version());
    assertFalse(meta.deleted());
  }

  @Test
  void write_binaryValue_roundTrips() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    String name = root + "binary";
    store.write(
        new WriteRequest(name, SecretValue.of(bytes), Stage.CURRENT, WriteRequest.ANY_VERSION));
    assertArrayEquals(
        bytes, store.read(ReadRequest.current(name)).orElseThrow().value().copyBytes());
  }

  @Test
  void write_staleExpectedVersion_conflicts() {
    String name = root + "cas";
    put(name, "one", Stage.CURRENT, 0);
    assertThrows(ConflictException.class, () -> put(name, "again", Stage.CURRENT, 0));
    put(name, "two", Stage.CURRENT, 1);
    assertThrows(ConflictException.class, () -> put(name, "late", Stage.CURRENT, 1));
    assertEquals("two", text(store.read(ReadRequest.current(name)).orElseThrow()));
  }

  @Test
  void pending_promoted_movesCurrentAndPreviousWithCheck() {
    String name = root + "rotating";
    put(name, "old", Stage.CURRENT, 0);
    SecretVersion pending = put(name, "new", Stage.PENDING, 1);
    assertEquals(Set.of(Stage.PENDING), pending.stages());
    assertEquals("old", text(store.read(ReadRequest.current(name)).orElseThrow()));
    assertEquals("new", text(store.read(ReadRequest.stage(name, Stage.PENDING)).orElseThrow()));

    SecretMetadata moved = store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 2, 1));
    assertEquals(2, moved.withStage(Stage.CURRENT).orElseThrow().version());
    assertEquals(1, moved.withStage(Stage.PREVIOUS).orElseThrow().version());
    assertTrue(moved.withStage(Stage.PENDING).isEmpty());
    assertEquals("new", text(store.read(ReadRequest.current(name)).orElseThrow()));
    assertThrows(
        ConflictException.class,
        () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 1, 1)));
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 9, 0)));
    // Rolling back with the right expectation writes version 1's value again, as `kv rollback`
    // does: what native readers see as CURRENT is what Strongroom reads as CURRENT.
    assertEquals(
        3,
        store
            .moveStage(new MoveStageRequest(name, Stage.CURRENT, 1, 2))
            .withStage(Stage.CURRENT)
            .orElseThrow()
            .version());
    assertEquals("old", text(store.read(ReadRequest.current(name)).orElseThrow()));
  }

  @Test
  void delete_thenUndelete_hidesAndRestores() {
    String name = root + "soft";
    put(name, "one", Stage.CURRENT, 0);
    put(name, "two", Stage.CURRENT, 1);
    store.delete(name);
    assertTrue(store.read(ReadRequest.current(name)).isEmpty());
    assertTrue(store.read(ReadRequest.version(name, 1)).isEmpty());
    assertTrue(store.metadata(name).deleted());
    assertFalse(store.list(root).contains(name));

    store.undelete(name);
    assertEquals("two", text(store.read(ReadRequest.current(name)).orElseThrow()));
    assertFalse(store.metadata(name).deleted());
    assertTrue(store.list(root).contains(name));
  }

  @Test
  void destroy_versionsThenAll_removesForGood() {
    String name = root + "shred";
    put(name, "one", Stage.CURRENT, 0);
    put(name, "two", Stage.CURRENT, 1);
    store.destroy(DestroyRequest.versions(name, List.of(1L)));
    assertTrue(store.read(ReadRequest.version(name, 1)).isEmpty());
    assertTrue(store.metadata(name).versions().get(0).destroyed());
    assertEquals("two", text(store.read(ReadRequest.current(name)).orElseThrow()));

    store.destroy(DestroyRequest.all(name));
    assertThrows(NotFoundException.class, () -> store.metadata(name));
    assertTrue(store.read(ReadRequest.current(name)).isEmpty());
  }

  @Test
  void list_prefix_walksFoldersAndFiltersByPrefix() {
    for (String n : List.of("a/b/c", "a/d", "a/e/f/g", "ab", "z")) {
      put(root + n, n, Stage.CURRENT, 0);
    }
    assertEquals(List.of(root + "a/b/c", root + "a/d", root + "a/e/f/g"), store.list(root + "a/"));
    assertEquals(
        List.of(root + "a/b/c", root + "a/d", root + "a/e/f/g", root + "ab"),
        store.list(root + "a"));
    assertEquals(List.of(root + "a/e/f/g"), store.list(root + "a/e"));
    assertEquals(5, store.list(root).size());
    assertEquals(List.of(), store.list(root + "nothing/"));
  }

  @Test
  void missing_readsEmptyAndMetadataNotFound() {
    String name = root + "missing";
    assertTrue(store.read(ReadRequest.current(name)).isEmpty());
    assertTrue(store.read(ReadRequest.stage(name, Stage.PENDING)).isEmpty());
    assertThrows(NotFoundException.class, () -> store.metadata(name));
    assertThrows(NotFoundException.class, () -> store.delete(name));
  }

  @Test
  void foreignSecret_withoutStages_readsLatestAsJson() {
    String name = root + "foreign";
    VaultServers.root(
        VaultServers.devBackend(),
        "POST",
        "secret/data/" + name,
        (com.fasterxml.jackson.databind.node.ObjectNode)
            dev.strongroom.vault.internal.VaultHttp.object()
                .set("data", dev.strongroom.vault.internal.VaultHttp.object().put("user", "app")));
    StoredSecret secret = store.read(ReadRequest.current(name)).orElseThrow();
    assertEquals(
        "{\"user\":\"app\"}", new String(secret.value().copyBytes(), StandardCharsets.UTF_8));
    assertEquals(Set.of(Stage.CURRENT), secret.version().stages());
  }

  /** Secrets written before the native shape keep reading: nothing stored is lost. */
  @Test
  void legacyShape_valueFieldAndUnpromotedPending_readAsBefore() {
    String name = root + "legacy";
    VaultBackend backend = VaultServers.devBackend();
    for (String value : List.of("old-current", "old-pending")) {
      com.fasterxml.jackson.databind.node.ObjectNode body = VaultHttp.object();
      body.putObject("data")
          .put(
              "strongroom-value-b64",
              java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
      VaultServers.root(backend, "POST", "secret/data/" + name, body);
    }
    com.fasterxml.jackson.databind.node.ObjectNode meta = VaultHttp.object();
    meta.putObject("custom_metadata")
        .put("strongroom-stage-CURRENT", "1")
        .put("strongroom-stage-PENDING", "2");
    VaultServers.root(backend, "POST", "secret/metadata/" + name, meta);

    assertEquals("old-current", text(store.read(ReadRequest.current(name)).orElseThrow()));
    assertEquals("old-pending", text(store.read(ReadRequest.version(name, 2)).orElseThrow()));
    assertEquals(1, store.metadata(name).withStage(Stage.CURRENT).orElseThrow().version());
    put(name, "new", Stage.CURRENT, 2); // the next write ends the legacy labels' hold
    assertEquals("new", text(store.read(ReadRequest.current(name)).orElseThrow()));
  }
}
