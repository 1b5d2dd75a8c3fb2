package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Secrets Manager store against moto, beyond core's contract suite ({@link
 * AwsSecretStoreContractIT} uses {@link #openBackend} as its factory).
 */
class AwsSecretStoreIT {
  private Backend backend;
  private SecretStore store;

  /** The factory the contract suite will use: a backend in a fresh namespace of the shared moto. */
  static Backend openBackend() {
    return MotoServers.open(MotoServers.namespace());
  }

  @BeforeEach
  void open() {
    backend = openBackend();
    store = backend.secrets();
  }

  @AfterEach
  void close() {
    backend.close();
  }

  private static SecretValue text(String s) {
    return SecretValue.ofUtf8(s);
  }

  private SecretVersion put(String name, String value, Stage stage, long expected) {
    return store.write(new WriteRequest(name, text(value), stage, expected));
  }

  private String readUtf8(ReadRequest request) {
    return store.read(request).orElseThrow().value().copyUtf8String();
  }

  @Test
  void write_thenRead_roundTripsValueAndVersion() {
    SecretVersion v1 = put("db/password", "hunter2", Stage.CURRENT, 0);
    StoredSecret read = store.read(ReadRequest.current("db/password")).orElseThrow();
    assertEquals(1, v1.version());
    assertEquals(1, read.version().version());
    assertEquals(Set.of(Stage.CURRENT), read.version().stages());
    assertEquals("hunter2", read.value().copyUtf8String());
  }

  @Test
  void write_binaryValue_roundTripsExactBytes() {
    byte[] bytes = {0, (byte) 0xff, (byte) 0xc3, 0x28, 7};
    store.write(new WriteRequest("bin", SecretValue.of(bytes), Stage.CURRENT, 0));
    assertArrayEquals(
        bytes, store.read(ReadRequest.current("bin")).orElseThrow().value().copyBytes());
  }

  @Test
  void writeCurrent_twice_numbersVersionsAndMovesPrevious() {
    put("s", "one", Stage.CURRENT, 0);
    SecretVersion v2 = put("s", "two", Stage.CURRENT, 1);
    assertEquals(2, v2.version());
    assertEquals("two", readUtf8(ReadRequest.current("s")));
    assertEquals("one", readUtf8(ReadRequest.stage("s", Stage.PREVIOUS)));
    assertEquals("one", readUtf8(ReadRequest.version("s", 1)));
    SecretMetadata metadata = store.metadata("s");
    assertEquals(2, metadata.latestVersion());
    assertEquals(2, metadata.withStage(Stage.CURRENT).orElseThrow().version());
    assertEquals(1, metadata.withStage(Stage.PREVIOUS).orElseThrow().version());
  }

  @Test
  void writePending_keepsCurrentInUse() {
    put("p", "old", Stage.CURRENT, 0);
    SecretVersion pending = put("p", "new", Stage.PENDING, 1);
    assertEquals(Set.of(Stage.PENDING), pending.stages());
    assertEquals("old", readUtf8(ReadRequest.current("p")));
    assertEquals("new", readUtf8(ReadRequest.stage("p", Stage.PENDING)));
  }

  @Test
  void firstWrite_pending_carriesCurrentAsSecretsManagerDoes() {
    SecretVersion v1 = put("fresh", "x", Stage.PENDING, 0);
    assertEquals(Set.of(Stage.CURRENT, Stage.PENDING), v1.stages());
    assertEquals(
        Set.of(Stage.CURRENT, Stage.PENDING), store.metadata("fresh").versions().get(0).stages());
  }

  @Test
  void write_staleExpectedVersion_conflictsAndKeepsValue() {
    put("c", "one", Stage.CURRENT, 0);
    put("c", "two", Stage.CURRENT, 1);
    assertThrows(ConflictException.class, () -> put("c", "three", Stage.CURRENT, 1));
    assertThrows(ConflictException.class, () -> put("c", "again", Stage.CURRENT, 0));
    assertEquals("two", readUtf8(ReadRequest.current("c")));
    assertEquals(2, store.metadata("c").latestVersion());
  }

  @Test
  void write_anyVersion_appends() {
    put("a", "one", Stage.CURRENT, WriteRequest.ANY_VERSION);
    assertEquals(2, put("a", "two", Stage.CURRENT, WriteRequest.ANY_VERSION).version());
  }

  @Test
  void concurrentWriters_sameExpectedVersion_exactlyOneWins() throws Exception {
    put("race", "base", Stage.CURRENT, 0);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String value = "writer-" + i;
        results.add(
            pool.submit(
                () -> {
                  try {
                    put("race", value, Stage.CURRENT, 1);
                    return true;
                  } catch (ConflictException e) {
                    return false;
                  }
                }));
      }
      int wins = 0;
      for (Future<Boolean> result : results) {
        wins += result.get() ? 1 : 0;
      }
      assertEquals(1, wins);
      assertEquals(2, store.metadata("race").latestVersion());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void read_missingSecretOrVersion_isEmpty() {
    assertEquals(Optional.empty(), store.read(ReadRequest.current("nope")));
    put("one", "x", Stage.CURRENT, 0);
    assertEquals(Optional.empty(), store.read(ReadRequest.version("one", 7)));
    assertEquals(Optional.empty(), store.read(ReadRequest.stage("one", Stage.PENDING)));
  }

  @Test
  void metadata_missing_notFound() {
    assertThrows(NotFoundException.class, () -> store.metadata("nope"));
  }

  @Test
  void delete_hidesSecret_undeleteRestoresIt() {
    put("d/x", "v", Stage.CURRENT, 0);
    store.delete("d/x");
    assertEquals(Optional.empty(), store.read(ReadRequest.current("d/x")));
    assertEquals(List.of(), store.list("d/"));
    assertTrue(store.metadata("d/x").deleted());
    assertThrows(ConflictException.class, () -> put("d/x", "w", Stage.CURRENT, 1));
    store.undelete("d/x");
    assertEquals("v", readUtf8(ReadRequest.current("d/x")));
    assertEquals(List.of("d/x"), store.list("d/"));
    assertFalse(store.metadata("d/x").deleted());
  }

  @Test
  void destroy_allVersions_removesTheSecretForGood() {
    put("gone", "v", Stage.CURRENT, 0);
    store.delete("gone");
    store.destroy(DestroyRequest.all("gone"));
    assertEquals(Optional.empty(), store.read(ReadRequest.current("gone")));
    assertThrows(NotFoundException.class, () -> store.metadata("gone"));
    assertEquals(1, put("gone", "new", Stage.CURRENT, 0).version());
  }

  @Test
  void destroy_oneVersion_readsEmptyAndMetadataMarksIt() {
    put("dv", "one", Stage.CURRENT, 0);
    put("dv", "two", Stage.CURRENT, 1);
    store.destroy(DestroyRequest.versions("dv", List.of(1L)));
    assertEquals(Optional.empty(), store.read(ReadRequest.version("dv", 1)));
    assertEquals(Optional.empty(), store.read(ReadRequest.stage("dv", Stage.PREVIOUS)));
    SecretMetadata metadata = store.metadata("dv");
    assertTrue(metadata.versions().get(0).destroyed());
    assertFalse(metadata.versions().get(1).destroyed());
    assertEquals("two", readUtf8(ReadRequest.current("dv")));
    assertThrows(
        ConflictException.class, () -> store.destroy(DestroyRequest.versions("dv", List.of(2L))));
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest("dv", Stage.CURRENT, 1, 0)));
  }

  @Test
  void list_byPrefix_sortedAndExact() {
    put("app/b", "1", Stage.CURRENT, 0);
    put("app/a", "1", Stage.CURRENT, 0);
    put("apple", "1", Stage.CURRENT, 0);
    put("other/a", "1", Stage.CURRENT, 0);
    assertEquals(List.of("app/a", "app/b"), store.list("app/"));
    assertEquals(List.of("app/a", "app/b", "apple"), store.list("app"));
    assertEquals(List.of("app/a", "app/b", "apple", "other/a"), store.list(""));
    assertEquals(List.of(), store.list("!app"));
  }

  @Test
  void readAll_mixedRequests_answersInOrder() {
    for (int i = 0; i < 23; i++) {
      put("batch/" + i, "value-" + i, Stage.CURRENT, 0);
    }
    put("batch/0", "newer", Stage.CURRENT, 1);
    List<ReadRequest> requests = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      requests.add(ReadRequest.current("batch/" + i));
    }
    requests.add(ReadRequest.current("batch/missing"));
    requests.add(ReadRequest.version("batch/0", 1));
    List<Optional<StoredSecret>> results = store.readAll(requests);
    assertEquals(25, results.size());
    assertEquals("newer", results.get(0).orElseThrow().value().copyUtf8String());
    assertEquals(2, results.get(0).orElseThrow().version().version());
    assertEquals("value-22", results.get(22).orElseThrow().value().copyUtf8String());
    assertEquals(Optional.empty(), results.get(23));
    assertEquals("value-0", results.get(24).orElseThrow().value().copyUtf8String());
  }

  @Test
  void utf8Value_isStoredAsSecretStringForOtherTools() {
    String ns = MotoServers.namespace();
    try (Backend own = MotoServers.open(ns);
        var raw = MotoServers.rawSecrets(MotoServers.endpoint())) {
      own.secrets().write(new WriteRequest("s", text("plain"), Stage.CURRENT, 0));
      var value = raw.getSecretValue(b -> b.secretId(ns + "/s").versionStage("AWSCURRENT"));
      assertEquals("plain", value.secretString());
      assertEquals("strongroom-v00000000000000000001", value.versionId());
    }
  }

  /**
   * Secrets Manager answers a second request with the same token and the same value as a retry,
   * with success (moto does too): without the writer marker both identical writers would "win".
   */
  @Test
  void write_concurrentIdenticalValues_exactlyOneWinsEachRound() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 6; round++) {
        String name = "same/" + round;
        for (long expected : new long[] {0, 1}) {
          List<java.util.concurrent.Callable<Boolean>> writers = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            writers.add(
                () -> {
                  try {
                    store.write(new WriteRequest(name, text("same"), Stage.CURRENT, expected));
                    return true;
                  } catch (ConflictException e) {
                    return false;
                  }
                });
          }
          int wins = 0;
          for (Future<Boolean> f : pool.invokeAll(writers)) {
            wins += f.get() ? 1 : 0;
          }
          assertEquals(1, wins, "round " + round + ", expected version " + expected);
          assertEquals(expected + 1, store.metadata(name).latestVersion());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void write_checkedPut_leavesNoWriterLabelBehind() {
    String ns = MotoServers.namespace();
    try (Backend own = MotoServers.open(ns);
        var raw = MotoServers.rawSecrets(MotoServers.endpoint())) {
      SecretStore mine = own.secrets();
      mine.write(new WriteRequest("labels", text("one"), Stage.CURRENT, 0));
      mine.write(new WriteRequest("labels", text("two"), Stage.PENDING, 1));
      mine.write(new WriteRequest("labels", text("three"), Stage.CURRENT, 2));
      List<String> labels = new ArrayList<>();
      raw.listSecretVersionIds(b -> b.secretId(ns + "/labels").includeDeprecated(true))
          .versions()
          .forEach(v -> labels.addAll(v.versionStages()));
      labels.sort(null);
      assertEquals(List.of("AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"), labels);
    }
  }
}
