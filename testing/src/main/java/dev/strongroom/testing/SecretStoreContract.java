package dev.strongroom.testing;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SecretStore} must show, as its Javadoc describes it. A backend's test
 * extends this class and implements {@link #newStore()}. Each test works under a fresh random
 * prefix, so the suite can run against a shared server.
 */
public abstract class SecretStoreContract {
  /** For subclasses. */
  protected SecretStoreContract() {}

  /** A value that must never appear in a message or {@code toString}. */
  protected static final String CANARY = "CANARY-7f3a9c1e-do-not-print";

  private SecretStore store;
  private String root;

  /** A new store (or a new client of a shared one); closed after each test. */
  protected abstract SecretStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
    root = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** The store under test. */
  protected SecretStore store() {
    return store;
  }

  /** {@code base} under this test's prefix. */
  protected String name(String base) {
    return root + base;
  }

  private SecretVersion put(String name, String value) {
    return store.write(
        new WriteRequest(name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private String read(ReadRequest request) {
    return store.read(request).orElseThrow().value().copyUtf8String();
  }

  @Test
  void write_thenReadCurrent_returnsValueAsVersion1() {
    String name = name("db/password");
    SecretVersion written = put(name, "s3cret");

    StoredSecret read = store.read(ReadRequest.current(name)).orElseThrow();

    assertEquals(1, written.version());
    assertEquals(Set.of(Stage.CURRENT), written.stages());
    assertEquals(1, read.version().version());
    assertEquals("s3cret", read.value().copyUtf8String());
  }

  @Test
  void write_twice_newVersionCurrentAndOldPrevious() {
    String name = name("a");
    put(name, "one");
    put(name, "two");

    assertEquals("two", read(ReadRequest.current(name)));
    assertEquals("one", read(ReadRequest.stage(name, Stage.PREVIOUS)));
    assertEquals("one", read(ReadRequest.version(name, 1)));
    assertEquals("two", read(ReadRequest.version(name, 2)));
    SecretMetadata meta = store.metadata(name);
    assertEquals(2, meta.latestVersion());
    assertEquals(2, meta.withStage(Stage.CURRENT).orElseThrow().version());
    assertEquals(1, meta.withStage(Stage.PREVIOUS).orElseThrow().version());
  }

  @Test
  void read_missingSecretVersionOrStage_isEmpty() {
    String name = name("a");
    assertTrue(store.read(ReadRequest.current(name("missing"))).isEmpty());
    put(name, "one");
    assertTrue(store.read(ReadRequest.version(name, 9)).isEmpty());
    assertTrue(store.read(ReadRequest.stage(name, Stage.PENDING)).isEmpty());
    assertTrue(store.read(ReadRequest.stage(name, Stage.PREVIOUS)).isEmpty());
  }

  @Test
  void writePending_keepsCurrentInUse() {
    String name = name("a");
    put(name, "one");

    SecretVersion pending =
        store.write(new WriteRequest(name, SecretValue.ofUtf8("two"), Stage.PENDING, 1));

    assertEquals(2, pending.version());
    assertEquals(Set.of(Stage.PENDING), pending.stages());
    assertEquals("one", read(ReadRequest.current(name)));
    assertEquals("two", read(ReadRequest.stage(name, Stage.PENDING)));
  }

  @Test
  void moveStageCurrent_promotesPendingAndKeepsPrevious() {
    String name = name("a");
    put(name, "one");
    store.write(new WriteRequest(name, SecretValue.ofUtf8("two"), Stage.PENDING, 1));

    SecretMetadata meta = store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 2, 1));

    assertEquals(Set.of(Stage.CURRENT), meta.versions().get(1).stages());
    assertEquals(Set.of(Stage.PREVIOUS), meta.versions().get(0).stages());
    assertEquals("two", read(ReadRequest.current(name)));
    assertEquals("one", read(ReadRequest.stage(name, Stage.PREVIOUS)));
    assertTrue(store.read(ReadRequest.stage(name, Stage.PENDING)).isEmpty());
  }

  @Test
  void moveStage_wrongExpectedCurrent_conflictsAndChangesNothing() {
    String name = name("a");
    put(name, "one");
    put(name, "two");
    store.write(new WriteRequest(name, SecretValue.ofUtf8("three"), Stage.PENDING, 2));

    assertThrows(
        ConflictException.class,
        () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 3, 1)));
    assertEquals("two", read(ReadRequest.current(name)));
  }

  @Test
  void moveStage_missingVersion_notFound() {
    String name = name("a");
    put(name, "one");
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 5, 0)));
    assertThrows(
        NotFoundException.class,
        () -> store.moveStage(new MoveStageRequest(name("missing"), Stage.CURRENT, 1, 0)));
  }

  @Test
  void write_expectedVersionZero_createsIfAbsentOnly() {
    String name = name("a");
    SecretVersion first =
        store.write(new WriteRequest(name, SecretValue.ofUtf8("one"), Stage.CURRENT, 0));

    assertEquals(1, first.version());
    assertThrows(
        ConflictException.class,
        () -> store.write(new WriteRequest(name, SecretValue.ofUtf8("two"), Stage.CURRENT, 0)));
    assertEquals("one", read(ReadRequest.current(name)));
  }

  @Test
  void write_staleExpectedVersion_conflicts() {
    String name = name("a");
    put(name, "one");
    put(name, "two");

    assertThrows(
        ConflictException.class,
        () -> store.write(new WriteRequest(name, SecretValue.ofUtf8("x"), Stage.CURRENT, 1)));
    assertThrows(
        ConflictException.class,
        () ->
            store.write(
                new WriteRequest(name("missing"), SecretValue.ofUtf8("x"), Stage.CURRENT, 3)));
    SecretVersion ok =
        store.write(new WriteRequest(name, SecretValue.ofUtf8("three"), Stage.CURRENT, 2));
    assertEquals(3, ok.version());
  }

  @Test
  void write_concurrentCreateIfAbsent_exactlyOneWins() throws Exception {
    String name = name("race");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(
            () -> {
              try {
                store.write(new WriteRequest(name, SecretValue.ofUtf8("v"), Stage.CURRENT, 0));
                return true;
              } catch (ConflictException e) {
                return false;
              }
            });
      }
      int wins = 0;
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        wins += f.get() ? 1 : 0;
      }
      assertEquals(1, wins);
      assertEquals(1, store.metadata(name).latestVersion());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void list_returnsLiveNamesUnderPrefixSorted() {
    put(name("app/b"), "x");
    put(name("app/a"), "x");
    put(name("app/sub/c"), "x");
    put(name("db/password"), "x");

    assertEquals(
        List.of(name("app/a"), name("app/b"), name("app/sub/c")), store.list(name("app/")));
    assertEquals(List.of(name("db/password")), store.list(name("db")));
    assertEquals(List.of(), store.list(name("none/")));
  }

  @Test
  void delete_hidesSecret_undeleteRestoresIt() {
    String name = name("app/a");
    put(name, "one");

    store.delete(name);
    assertTrue(store.read(ReadRequest.current(name)).isEmpty());
    assertEquals(List.of(), store.list(name("app/")));
    assertTrue(store.metadata(name).deleted());

    store.undelete(name);
    assertEquals("one", read(ReadRequest.current(name)));
    assertEquals(List.of(name), store.list(name("app/")));
    assertFalse(store.metadata(name).deleted());
  }

  @Test
  void destroyVersions_removesThoseValuesOnly() {
    String name = name("a");
    put(name, "one");
    put(name, "two");

    store.destroy(DestroyRequest.versions(name, List.of(1L)));

    assertTrue(store.read(ReadRequest.version(name, 1)).isEmpty());
    assertTrue(store.metadata(name).versions().get(0).destroyed());
    assertEquals("two", read(ReadRequest.current(name)));
  }

  @Test
  void destroyAll_removesTheName() {
    String name = name("a");
    put(name, "one");
    put(name, "two");

    store.destroy(DestroyRequest.all(name));

    assertTrue(store.read(ReadRequest.version(name, 2)).isEmpty());
    assertEquals(List.of(), store.list(name("")));
    assertThrows(NotFoundException.class, () -> store.metadata(name));
  }

  @Test
  void operationsOnMissingSecret_throwNotFound() {
    String missing = name("missing");
    assertThrows(NotFoundException.class, () -> store.metadata(missing));
    assertThrows(NotFoundException.class, () -> store.delete(missing));
    assertThrows(NotFoundException.class, () -> store.undelete(missing));
    assertThrows(NotFoundException.class, () -> store.destroy(DestroyRequest.all(missing)));
  }

  @Test
  void destroyRequest_emptyVersionList_isRejectedNotAll() {
    String name = name("keep");
    put(name, "one");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DestroyRequest.versions(name, List.of()));
    assertTrue(e.getMessage().contains("DestroyRequest.all"), e.getMessage());
    assertTrue(store.read(ReadRequest.current(name)).isPresent(), "nothing was destroyed");
    store.destroy(DestroyRequest.all(name));
    assertThrows(NotFoundException.class, () -> store.metadata(name));
  }

  @Test
  void badInput_isRejected() {
    String name = name("a");
    put(name, "one");
    assertThrows(NullPointerException.class, () -> store.read(null));
    assertThrows(NullPointerException.class, () -> store.list(null));
    assertThrows(NullPointerException.class, () -> store.destroy(null));
    assertThrows(NullPointerException.class, () -> store.moveStage(null));
    assertThrows(
        NullPointerException.class, () -> DestroyRequest.versions(name, (List<Long>) null));
    assertThrows(IllegalArgumentException.class, () -> DestroyRequest.versions(name, List.of(0L)));
    assertThrows(
        IllegalArgumentException.class, () -> new MoveStageRequest(name, Stage.CURRENT, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new MoveStageRequest(name, Stage.CURRENT, 1, -1));
    assertEquals(1, store.metadata(name).latestVersion(), "bad requests changed nothing");
    assertThrows(
        IllegalArgumentException.class,
        () -> store.write(new WriteRequest("", SecretValue.ofUtf8("x"), Stage.CURRENT, -1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WriteRequest(name, SecretValue.ofUtf8("x"), Stage.PREVIOUS, -1));
  }

  @Test
  void canaryValue_neverInToStringOrExceptionMessages() {
    String name = name("canary");
    SecretVersion written = put(name, CANARY);
    List<Throwable> failures = new ArrayList<>();
    failures.add(
        assertThrows(
            ConflictException.class,
            () ->
                store.write(new WriteRequest(name, SecretValue.ofUtf8(CANARY), Stage.CURRENT, 0))));
    failures.add(
        assertThrows(
            ConflictException.class,
            () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 1, 7))));
    failures.add(
        assertThrows(
            NotFoundException.class,
            () -> store.moveStage(new MoveStageRequest(name, Stage.CURRENT, 9, 0))));
    failures.add(
        assertThrows(
            IllegalArgumentException.class,
            () ->
                store.write(new WriteRequest("", SecretValue.ofUtf8(CANARY), Stage.CURRENT, -1))));

    StoredSecret read = store.read(ReadRequest.current(name)).orElseThrow();
    List<String> printed = new ArrayList<>();
    printed.add(read.toString());
    printed.add(read.value().toString());
    printed.add(written.toString());
    printed.add(store.metadata(name).toString());
    printed.add(store.toString());
    for (Throwable t : failures) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        printed.add(String.valueOf(c.getMessage()));
        printed.add(c.toString());
      }
    }
    for (String text : printed) {
      assertFalse(text.contains(CANARY), () -> "canary leaked into: " + text);
      assertFalse(text.contains("CANARY"), () -> "canary leaked into: " + text);
    }
    assertEquals(CANARY, read.value().copyUtf8String());
  }

  /** Issue 13: a multi-field secret reads back as the JSON object of the same fields. */
  @Test
  void writeFields_readsBackAsJsonObjectOfTheSameFields() throws Exception {
    String name = name("db/creds");
    String json = "{\"password\":\"p\u00e4$\\\"s\",\"username\":\"app\"}";
    store.write(
        new WriteRequest(
            name, SecretValue.ofUtf8(json), Stage.CURRENT, WriteRequest.ANY_VERSION, true));

    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(mapper.readTree(json), mapper.readTree(read(ReadRequest.current(name))));
  }
}
