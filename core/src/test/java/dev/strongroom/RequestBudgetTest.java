package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.BackendThrottledException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room's request budget, refresh jitter and batching (issue 18), on a virtual clock with
 * refreshes on the reading thread.
 */
class RequestBudgetTest {
  private static final Duration REFRESH = Duration.ofSeconds(60);
  private static final Duration JITTER = Duration.ofSeconds(6);

  private final MutableClock clock = MutableClock.create();
  private final MemoryBackend memory = MemoryBackend.create(clock);
  private final List<Strongroom> rooms = new ArrayList<>();

  @AfterEach
  void close() {
    rooms.forEach(Strongroom::close);
  }

  private Strongroom room(SecretStore store, Double budget) {
    Strongroom.Builder b =
        Strongroom.builder()
            .backend(new TestBackend(store, memory.keys()))
            .clock(clock)
            .refreshAfter(REFRESH)
            .refreshJitter(JITTER)
            .maxStaleness(Duration.ofMinutes(15))
            .executor(Runnable::run);
    Strongroom room = (budget == null ? b : b.requestBudget(budget)).build();
    rooms.add(room);
    return room;
  }

  private void seed(int n) {
    for (int i = 0; i < n; i++) {
      putElsewhere("s" + i, "v1");
    }
  }

  private void putElsewhere(String name, String value) {
    memory
        .secrets()
        .write(
            new WriteRequest(name, SecretValue.ofUtf8(value), Stage.CURRENT, -1 /* any version */));
  }

  /** Reads every secret once a second for {@code seconds}. */
  private void readFor(Strongroom room, int n, int seconds) {
    for (int t = 0; t < seconds; t++) {
      for (int i = 0; i < n; i++) {
        room.secret("s" + i).wipe();
      }
      clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void coldReads_areNotDelayedByTheBudget() {
    seed(20);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, 0.01); // one background request every 100 s

    for (int i = 0; i < 20; i++) {
      assertEquals("v1", room.secret("s" + i).copyUtf8String()); // no clock advance: not waited
    }

    assertEquals(20 + 1, store.reads); // and one read of the room's check-out policy
  }

  @Test
  void budgetShortOfNeed_refreshesPaceAtTheBudget_eachSecretAtMostOncePerInterval() {
    seed(20);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, 0.2); // 20 secrets / 0.2 per s: each refreshed every ~100 s
    readFor(room, 20, 1);
    store.reset();

    readFor(room, 20, 1_000);

    // background requests: at most the budget over the run, plus the debt the 20 cold loads left
    // was already paid (100 s) within the run
    assertTrue(store.reads <= 0.2 * 1_000 + 1, "reads " + store.reads);
    assertTrue(store.reads >= 0.2 * 1_000 - 20 - 2, "reads " + store.reads);
    assertTrue(store.minGapMs >= REFRESH.toMillis(), "gap " + store.minGapMs);
    for (int i = 0; i < 20; i++) {
      assertTrue(store.perName.get("s" + i) >= 8, "s" + i + " refreshed " + store.perName);
    }
  }

  @Test
  void ampleBudget_refreshWithinIntervalPlusJitter_notBefore() {
    seed(5);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, null); // derived budget: max(1, 2 x 5 / 60) = 1 per s
    readFor(room, 5, 1);
    putElsewhere("s3", "v2");

    // 1 s of reads per step; at most R + J + one read period (+ 5 tokens' wait) later: seen
    long seen = -1;
    for (int t = 1; t <= 80 && seen < 0; t++) {
      readFor(room, 5, 1);
      if (room.secret("s3").copyUtf8String().equals("v2")) {
        seen = t;
      }
    }
    assertTrue(seen >= REFRESH.toSeconds(), "seen after " + seen + " s");
    assertTrue(seen <= REFRESH.plus(JITTER).toSeconds() + 2, "seen after " + seen + " s");
    assertTrue(store.minGapMs >= REFRESH.toMillis(), "gap " + store.minGapMs);
  }

  @Test
  void throttledRefresh_pausesBackgroundRequests_servesStale_noClientError() {
    seed(10);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, 10.0);
    readFor(room, 10, 1);
    store.throttleNext = 1; // the first background refresh is throttled
    store.reset();

    readFor(room, 10, 70); // everything falls due in [60, 66)

    assertEquals(1, store.throttled);
    // the throttled secret is served stale and retried a full interval later; the pause (1 s)
    // held the others back at least that long
    assertTrue(store.reads >= 9, "reads " + store.reads);
    assertTrue(store.firstAfterThrottleMs - store.throttledAtMs >= 1_000, store.toString());
    assertTrue(room.staleness("s0").isPresent());
  }

  @Test
  void batchingStore_refreshesSecretsDueTogetherInOneCall() {
    seed(25);
    Batching store = new Batching(memory.secrets());
    Strongroom room = room(store, 0.05);
    readFor(room, 25, 1); // 25 cold reads: 25 single reads, and one of the check-out policy
    assertEquals(25 + 1, store.reads);
    store.reset();
    putElsewhere("s7", "v2");

    readFor(room, 25, 600); // debt (25 at 0.05/s = 500 s), then batches

    assertTrue(store.batches >= 2, "batches " + store.batches);
    assertTrue(store.batchSizes.stream().allMatch(n -> n <= 20), store.batchSizes.toString());
    assertEquals(
        25, store.batchSizes.get(0) + store.batchSizes.get(1), store.batchSizes.toString());
    assertEquals(0, store.reads, "no single reads in the background");
    assertEquals("v2", room.secret("s7").copyUtf8String());
  }

  @Test
  void kekChecks_countAgainstTheSameBudget() {
    seed(1);
    Counting store = new Counting(memory.secrets());
    Strongroom room =
        Strongroom.builder()
            .backend(new TestBackend(store, memory.keys()))
            .clock(clock)
            .refreshAfter(REFRESH)
            .refreshJitter(JITTER)
            .requestBudget(0.1)
            .keyCheckInterval(Duration.ofSeconds(1))
            .executor(Runnable::run)
            .build();
    rooms.add(room);
    readFor(room, 1, 1);
    store.reset();
    // one KEK describe a second (keyCheckInterval 1 s) at a budget of 0.1 per second: the
    // background refresh of s0, due at 60 to 66 s, must wait
    for (int t = 0; t < 80; t++) {
      room.encrypt(new byte[] {1}, dev.strongroom.envelope.EncryptionContext.of("k", "v"));
      room.secret("s0").wipe();
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(0, store.reads, "the KEK checks spent the budget");
  }

  @Test
  void withoutKekChecks_theSameRoomRefreshes() {
    seed(1);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, 0.1);
    readFor(room, 1, 1);
    store.reset();
    for (int t = 0; t < 80; t++) {
      room.encrypt(new byte[] {1}, dev.strongroom.envelope.EncryptionContext.of("k", "v"));
      room.secret("s0").wipe();
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(1, store.reads); // keyCheckInterval 60 s: one describe, and the refresh
  }

  @Test
  void explicitBudget_mustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Strongroom.builder().requestBudget(0));
    assertThrows(
        IllegalArgumentException.class, () -> Strongroom.builder().requestBudget(Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> Strongroom.builder().refreshJitter(Duration.ofSeconds(-1)));
  }

  @Test
  void backendDownPastTheBound_foregroundStillFailsClearly() {
    seed(1);
    Counting store = new Counting(memory.secrets());
    Strongroom room = room(store, 0.01);
    readFor(room, 1, 1);
    store.down = true;
    clock.advance(Duration.ofMinutes(16));
    assertThrows(BackendUnavailableException.class, () -> room.secret("s0"));
  }

  /** Counts reads per secret and the smallest gap between two reads of one secret. */
  private class Counting implements SecretStore {
    final SecretStore d;
    long reads;
    long throttled;
    int throttleNext;
    boolean down;
    long throttledAtMs = -1;
    long firstAfterThrottleMs = -1;
    long minGapMs = Long.MAX_VALUE;
    final Map<String, Long> last = new HashMap<>();
    final Map<String, Integer> perName = new HashMap<>();

    Counting(SecretStore d) {
      this.d = d;
    }

    void reset() {
      reads = 0;
      perName.clear();
      minGapMs = Long.MAX_VALUE;
    }

    void seen(String name) {
      long now = clock.millis();
      Long before = last.put(name, now);
      if (before != null) {
        minGapMs = Math.min(minGapMs, now - before);
      }
      perName.merge(name, 1, Integer::sum);
      if (throttledAtMs >= 0 && firstAfterThrottleMs < 0) {
        firstAfterThrottleMs = now;
      }
    }

    @Override
    public Optional<StoredSecret> read(ReadRequest request) {
      if (down) {
        throw new BackendUnavailableException("down");
      }
      if (throttleNext > 0) {
        throttleNext--;
        throttled++;
        throttledAtMs = clock.millis();
        throw new BackendThrottledException("throttled");
      }
      seen(request.name());
      reads++;
      return d.read(request);
    }

    @Override
    public SecretVersion write(WriteRequest request) {
      return d.write(request);
    }

    @Override
    public List<String> list(String prefix) {
      return d.list(prefix);
    }

    @Override
    public SecretMetadata metadata(String name) {
      return d.metadata(name);
    }

    @Override
    public SecretMetadata moveStage(MoveStageRequest request) {
      String name = request.name();
      Stage stage = request.stage();
      long version = request.version();
      long expected = request.expectedCurrent();
      return d.moveStage(request);
    }

    @Override
    public void delete(String name) {
      d.delete(name);
    }

    @Override
    public void undelete(String name) {
      d.undelete(name);
    }

    @Override
    public void destroy(DestroyRequest request) {
      String name = request.name();
      List<Long> versions = request.versions();
      d.destroy(request);
    }

    @Override
    public String toString() {
      return "reads="
          + reads
          + " throttledAt="
          + throttledAtMs
          + " firstAfter="
          + firstAfterThrottleMs;
    }
  }

  /** A store with a batch read (one request per call), as Secrets Manager has. */
  private final class Batching extends Counting {
    long batches;
    final List<Integer> batchSizes = new ArrayList<>();

    Batching(SecretStore d) {
      super(d);
    }

    @Override
    void reset() {
      super.reset();
      batches = 0;
      batchSizes.clear();
    }

    @Override
    public List<Optional<StoredSecret>> readAll(List<ReadRequest> requests) {
      batches++;
      batchSizes.add(requests.size());
      List<Optional<StoredSecret>> out = new ArrayList<>();
      for (ReadRequest r : requests) {
        seen(r.name());
        out.add(d.read(r));
      }
      return out;
    }
  }

  private record TestBackend(SecretStore secrets, KeyEncryptionService keys) implements Backend {
    @Override
    public void close() {}
  }
}
