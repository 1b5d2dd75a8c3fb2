package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet of rooms reading the same secrets from one backend that admits at most {@value #BUDGET}
 * requests per second (a token bucket on the virtual clock; the excess fails with {@link
 * BackendThrottledException}, as a throttled backend does), all on one virtual clock, in-process
 * and deterministic up to the rooms' own jitter (refreshes run on the reading thread).
 *
 * <p>Each room has {@code refreshAfter} 60 s, the default jitter (6 s), a stale bound of 15 min and
 * a {@linkplain Strongroom.Builder#requestBudget request budget} of its share of 80% of the
 * backend's quota ({@code 0.8 x 100 / rooms}); the rooms start at jittered instants across the
 * window their cold loads need at that rate (a rolling deployment), and each reads each of its
 * {@value #SECRETS} secrets once a simulated second. Two backends: one that reads one secret per
 * request (Vault KV), and one that also batches ({@link SecretStore#readAll} as one request, as
 * Secrets Manager's BatchGetSecretValue does). What the test shows, per run: no request is
 * throttled (cold start included); each room reads each secret from the backend at most once per
 * {@code refreshAfter}; a rotation is seen by every room within the effective refresh interval plus
 * the jitter and the read period; a 60 s outage causes no client-visible error. Requests per
 * simulated second go to {@code target/fleet/fleet-<rooms>-<backend>.csv} and a PNG chart beside it
 * ({@code benchmarks/results/} with {@code -Dfleet.results=true}).
 */
class FleetSimulationTest {
  static final int BUDGET = 100;
  private static final int SECRETS = 20;
  private static final long TICK_MS = 100; // simulation step
  private static final long READ_PERIOD_MS = 1_000; // each room reads each secret once a second
  private static final Duration REFRESH = Duration.ofSeconds(60);
  private static final Duration JITTER = REFRESH.dividedBy(10); // the room's default
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final Duration STALE = Duration.ofMinutes(15);
  private static final int BATCH = 20; // BatchGetSecretValue's limit, as the room uses it

  /** Default suite: 100 rooms x 20 secrets (2,000 secrets), one request per secret read. */
  @Test
  void fleet_100rooms_fitsBudget_seesRotation_ridesOutOutage() throws IOException {
    simulate(100, 42L, true, false, true).assertAll();
  }

  /** Default suite: the same fleet on a batching backend (20 secrets per request). */
  @Test
  void fleet_100rooms_batching_fitsBudget_seesRotation_ridesOutOutage() throws IOException {
    Result r = simulate(100, 42L, true, true, true);
    r.assertAll();
    // one request per room per interval: far below the unbatched fleet's
    assertTrue(r.steadyPeak() <= 100 * 2, r.summary());
  }

  /**
   * Default suite, where the budget matters: 400 rooms x 20 secrets would need 133 requests per
   * second at one refresh a minute; each room's budget (0.2/s) stretches its interval to 100 s.
   */
  @Test
  void fleet_400rooms_budgetStretchesInterval_fitsBudget() throws IOException {
    Result r = simulate(400, 42L, true, false, true);
    r.assertAll();
    assertEquals(100, r.refresh.toSeconds());
  }

  /** The same 400 rooms with the derived budget (1/s each) refresh every minute: throttled. */
  @Test
  void fleet_400rooms_withoutRequestBudget_isThrottled() throws IOException {
    Result r = simulate(400, 42L, true, false, false);
    System.out.println("no budget: " + r.summary());
    assertTrue(r.throttle.throttledTotal > 0, r.summary());
  }

  /** The harness can fail: the same fleet started all at once is throttled at cold start. */
  @Test
  void fleet_100rooms_withoutStartJitter_isThrottled() throws IOException {
    Result r = simulate(100, 42L, false, false, true);
    System.out.println("no jitter: " + r.summary());
    assertTrue(r.throttle.throttledTotal > 0, r.summary());
    assertTrue(r.clientErrors > 0, r.summary());
  }

  /** Soak: 1,000 rooms x 20 secrets (20,000 secrets). {@code ./mvnw verify -Psoak}. */
  @Tag("soak")
  @Test
  void fleet_1000rooms_fitsBudget_seesRotation_ridesOutOutage() throws IOException {
    simulate(1_000, 42L, true, false, true).assertAll();
  }

  /** Soak: 1,000 rooms x 20 secrets on a batching backend. */
  @Tag("soak")
  @Test
  void fleet_1000rooms_batching_fitsBudget_seesRotation_ridesOutOutage() throws IOException {
    simulate(1_000, 42L, true, true, true).assertAll();
  }

  /** Each room's share of 80% of the backend's quota. */
  static double roomBudget(int rooms) {
    return 0.8 * BUDGET / rooms;
  }

  /**
   * How often a room refreshes each secret: {@code refreshAfter}, or longer when its budget cannot
   * refresh every secret that often (one request per secret, or per batch of 20).
   */
  static Duration effectiveInterval(int rooms, boolean batching) {
    int requests = batching ? (SECRETS + BATCH - 1) / BATCH : SECRETS;
    long millis = (long) Math.ceil(requests * 1000 / roomBudget(rooms));
    return Duration.ofMillis(Math.max(REFRESH.toMillis(), millis));
  }

  private Result simulate(int rooms, long seed, boolean jitter, boolean batching, boolean budget)
      throws IOException {
    MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    MemoryBackend memory = MemoryBackend.create(clock);
    for (int s = 0; s < SECRETS; s++) {
      memory.secrets().write(write("fleet/s" + s, "v1"));
    }
    Duration interval = effectiveInterval(rooms, batching);
    long refreshMs = interval.toMillis();
    // Cold start, a rolling deployment: room i starts at a random instant in its own slot of the
    // window in which the fleet's cold loads take half the quota.
    long startWindowMs = (long) Math.ceil(rooms * SECRETS * 1000.0 / (0.5 * BUDGET));
    Throttle throttle = new Throttle(clock, BUDGET);
    Random random = new Random(seed);
    long[] startTick = new long[rooms];
    List<List<Integer>> byPhase = new ArrayList<>();
    long phases = READ_PERIOD_MS / TICK_MS;
    for (int p = 0; p < phases; p++) {
      byPhase.add(new ArrayList<>());
    }
    for (int i = 0; i < rooms; i++) {
      long slot = startWindowMs / TICK_MS / rooms;
      startTick[i] = jitter ? i * slot + random.nextLong(Math.max(1, slot)) : 0;
      byPhase.get((int) (startTick[i] % phases)).add(i);
    }
    Strongroom[] room = new Strongroom[rooms];
    RoomStore[] stores = new RoomStore[rooms];
    // The rotation comes once every room paid the debt of its cold loads (20 requests at its
    // budget) and refreshed twice.
    long coldDebtMs = (long) Math.ceil(SECRETS * 1000 / roomBudget(rooms));
    long rotationMs = (startWindowMs + coldDebtMs + 2 * refreshMs) / TICK_MS * TICK_MS;
    long outageStartMs = rotationMs + 2 * refreshMs;
    long outageEndMs = outageStartMs + OUTAGE.toMillis();
    long endMs = outageEndMs + 2 * refreshMs;
    long[] seenRotationAt = new long[rooms];
    java.util.Arrays.fill(seenRotationAt, -1);
    long clientErrors = 0;
    try {
      for (long t = 0; t < endMs; t += TICK_MS) {
        if (t == rotationMs) {
          memory.secrets().write(write("fleet/s0", "v2")); // another writer rotates
        }
        throttle.outage = t >= outageStartMs && t < outageEndMs;
        long tick = t / TICK_MS;
        for (int i : byPhase.get((int) (tick % phases))) {
          if (tick < startTick[i]) {
            continue;
          }
          if (room[i] == null) {
            stores[i] =
                batching
                    ? new BatchingRoomStore(throttle, memory.secrets(), clock)
                    : new RoomStore(throttle, memory.secrets(), clock);
            Strongroom.Builder builder =
                Strongroom.builder()
                    .backend(new RoomBackend(stores[i], memory.keys()))
                    .clock(clock)
                    .refreshAfter(REFRESH)
                    .maxStaleness(STALE)
                    .executor(Runnable::run);
            room[i] = (budget ? builder.requestBudget(roomBudget(rooms)) : builder).build();
          }
          for (int s = 0; s < SECRETS; s++) {
            try {
              SecretValue v = room[i].secret("fleet/s" + s);
              if (s == 0 && seenRotationAt[i] < 0 && "v2".equals(v.copyUtf8String())) {
                seenRotationAt[i] = t;
              }
            } catch (RuntimeException e) {
              clientErrors++;
            }
          }
        }
        clock.advance(Duration.ofMillis(TICK_MS));
      }
    } finally {
      for (Strongroom r : room) {
        if (r != null) {
          r.close();
        }
      }
    }
    long minGapMs = Long.MAX_VALUE;
    for (RoomStore s : stores) {
      minGapMs = Math.min(minGapMs, s.minGapMs);
    }
    long maxRotationLagMs = 0;
    for (long seen : seenRotationAt) {
      maxRotationLagMs = Math.max(maxRotationLagMs, seen < 0 ? Long.MAX_VALUE : seen - rotationMs);
    }
    // Rotation: within the effective interval, plus the jitter, plus one token's wait, plus two
    // read periods (a read starts the due refresh and gets the value it found; the next read
    // gets the refreshed one).
    long rotationBoundMs =
        refreshMs
            + JITTER.toMillis()
            + (long) Math.ceil(1000 / roomBudget(rooms))
            + 2 * READ_PERIOD_MS;
    Result result =
        new Result(
            rooms,
            batching,
            budget,
            interval,
            throttle,
            clientErrors,
            minGapMs,
            maxRotationLagMs,
            rotationBoundMs,
            startWindowMs);
    if (jitter) {
      result.write(budget ? "" : "-nobudget");
    }
    return result;
  }

  private static WriteRequest write(String name, String value) {
    return new WriteRequest(
        name, SecretValue.ofUtf8(value), Stage.CURRENT, WriteRequest.ANY_VERSION);
  }

  private record Result(
      int rooms,
      boolean batching,
      boolean budgeted,
      Duration refresh,
      Throttle throttle,
      long clientErrors,
      long minGapMs,
      long maxRotationLagMs,
      long rotationBoundMs,
      long startWindowMs) {

    /** The peak of admitted requests per second after the cold start window. */
    int steadyPeak() {
      int peak = 0;
      for (Map.Entry<Long, int[]> e : throttle.perSecond.entrySet()) {
        if (e.getKey() * 1000 > startWindowMs) {
          peak = Math.max(peak, e.getValue()[0]);
        }
      }
      return peak;
    }

    void assertAll() {
      String summary = summary();
      System.out.println(summary);
      assertEquals(0, throttle.throttledTotal, "throttled requests; " + summary);
      assertEquals(0, clientErrors, "client-visible errors; " + summary);
      assertTrue(
          minGapMs >= REFRESH.toMillis(),
          "a room read a secret twice within one refresh interval; " + summary);
      assertTrue(maxRotationLagMs <= rotationBoundMs, "rotation seen late; " + summary);
      assertTrue(throttle.outageTotal > 0, "the outage was exercised; " + summary);
    }

    String summary() {
      int peak = 0;
      for (int[] row : throttle.perSecond.values()) {
        peak = Math.max(peak, row[0] + row[1] + row[2]);
      }
      return String.format(
          "fleet rooms=%d secrets=%d backend=%s roomBudget=%s interval=%ds admitted=%d"
              + " throttled=%d outageFailed=%d peakReqPerSec=%d steadyPeak=%d meanReqPerSec=%.1f"
              + " clientErrors=%d minGapPerRoomSecret=%dms maxRotationLag=%dms (bound %dms)",
          rooms,
          rooms * SECRETS,
          batching ? "batching" : "single",
          budgeted ? String.format("%.3f/s", roomBudget(rooms)) : "derived(1/s)",
          refresh.toSeconds(),
          throttle.admittedTotal,
          throttle.throttledTotal,
          throttle.outageTotal,
          peak,
          steadyPeak(),
          throttle.admittedTotal / (double) Math.max(1, throttle.perSecond.size()),
          clientErrors,
          minGapMs,
          maxRotationLagMs,
          rotationBoundMs);
    }

    void write(String suffix) throws IOException {
      // benchmarks/results only when asked (-Dfleet.results=true), else this module's target/.
      Path dir =
          Boolean.getBoolean("fleet.results")
              ? Path.of("..", "benchmarks", "results")
              : Path.of("target", "fleet");
      Files.createDirectories(dir);
      long last = throttle.perSecond.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      StringBuilder csv = new StringBuilder("second,admitted,throttled,outage_failed\n");
      for (long s = 0; s <= last; s++) {
        int[] row = throttle.perSecond.getOrDefault(s, new int[3]);
        csv.append(s).append(',').append(row[0]).append(',').append(row[1]).append(',');
        csv.append(row[2]).append('\n');
      }
      String base = "fleet-" + rooms + "-" + (batching ? "batching" : "single") + suffix;
      Files.writeString(dir.resolve(base + ".csv"), csv);
      ImageIO.write(chart(last), "png", dir.resolve(base + ".png").toFile());
    }

    private BufferedImage chart(long last) {
      int w = 1000;
      int h = 400;
      int pad = 50;
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      int yMax = BUDGET * 2;
      for (int[] row : throttle.perSecond.values()) {
        yMax = Math.max(yMax, row[0] + row[1] + row[2]);
      }
      double xs = (w - 2.0 * pad) / Math.max(1, last);
      double ys = (h - 2.0 * pad) / yMax;
      g.setColor(Color.BLACK);
      g.drawLine(pad, h - pad, w - pad, h - pad);
      g.drawLine(pad, pad, pad, h - pad);
      g.drawString(
          "backend requests/s, "
              + rooms
              + " rooms x "
              + SECRETS
              + " secrets, "
              + (batching ? "batching" : "one secret per request")
              + (budgeted ? ", each secret every " + refresh.toSeconds() : ", no budget, every 60")
              + " s (blue admitted, red throttled, grey outage-failed)",
          pad,
          pad - 20);
      g.drawString("0", pad - 15, h - pad);
      g.drawString(String.valueOf(yMax), pad - 40, pad + 5);
      g.drawString("simulated s: 0 .. " + last, w / 2 - 50, h - pad + 30);
      g.setColor(Color.ORANGE);
      int budgetY = (int) (h - pad - BUDGET * ys);
      g.setStroke(new BasicStroke(1f));
      g.drawLine(pad, budgetY, w - pad, budgetY);
      g.drawString("budget " + BUDGET + "/s", w - pad - 80, budgetY - 4);
      Color[] colors = {Color.BLUE, Color.RED, Color.GRAY};
      for (int series = 0; series < 3; series++) {
        g.setColor(colors[series]);
        int px = pad;
        int py = h - pad;
        for (long s = 0; s <= last; s++) {
          int[] row = throttle.perSecond.getOrDefault(s, new int[3]);
          int x = (int) (pad + s * xs);
          int y = (int) (h - pad - row[series] * ys);
          g.drawLine(px, py, x, y);
          px = x;
          py = y;
        }
      }
      g.dispose();
      return img;
    }
  }

  /** A token bucket on the virtual clock shared by the whole fleet; counts per simulated second. */
  static final class Throttle {
    private final MutableClock clock;
    private final long startMs;
    private final int rate;
    private double tokens;
    private long lastMs;
    volatile boolean outage;
    final Map<Long, int[]> perSecond = new HashMap<>(); // admitted, throttled, outage-failed
    long admittedTotal;
    long throttledTotal;
    long outageTotal;

    Throttle(MutableClock clock, int rate) {
      this.clock = clock;
      this.rate = rate;
      this.tokens = rate;
      this.startMs = clock.millis();
      this.lastMs = startMs;
    }

    synchronized void acquire() {
      long now = clock.millis();
      tokens = Math.min(rate, tokens + (now - lastMs) * rate / 1000.0);
      lastMs = now;
      int[] row = perSecond.computeIfAbsent((now - startMs) / 1000, k -> new int[3]);
      if (outage) {
        row[2]++;
        outageTotal++;
        throw new BackendUnavailableException("simulated outage");
      }
      if (tokens < 1) {
        row[1]++;
        throttledTotal++;
        throw new BackendThrottledException("throttled: over " + rate + " requests per second");
      }
      tokens -= 1;
      row[0]++;
      admittedTotal++;
    }
  }

  /** One room's view of the shared store: every call takes a token; reads per secret timed. */
  private static class RoomStore implements SecretStore {
    final Throttle throttle;
    final SecretStore d;
    final MutableClock clock;
    private final Map<String, Long> lastRead = new HashMap<>();
    long minGapMs = Long.MAX_VALUE;

    RoomStore(Throttle throttle, SecretStore d, MutableClock clock) {
      this.throttle = throttle;
      this.d = d;
      this.clock = clock;
    }

    @Override
    public Optional<StoredSecret> read(ReadRequest request) {
      seen(request);
      throttle.acquire();
      return d.read(request);
    }

    /** Records a read of {@code request}'s secret, for the gap between two reads of it. */
    void seen(ReadRequest request) {
      long now = clock.millis();
      Long previous = lastRead.put(request.name(), now);
      if (previous != null) {
        minGapMs = Math.min(minGapMs, now - previous);
      }
    }

    @Override
    public SecretVersion write(WriteRequest request) {
      throttle.acquire();
      return d.write(request);
    }

    @Override
    public List<String> list(String prefix) {
      throttle.acquire();
      return d.list(prefix);
    }

    @Override
    public SecretMetadata metadata(String name) {
      throttle.acquire();
      return d.metadata(name);
    }

    @Override
    public SecretMetadata moveStage(MoveStageRequest request) {
      String name = request.name();
      Stage stage = request.stage();
      long version = request.version();
      long expectedCurrent = request.expectedCurrent();
      throttle.acquire();
      return d.moveStage(request);
    }

    @Override
    public void delete(String name) {
      throttle.acquire();
      d.delete(name);
    }

    @Override
    public void undelete(String name) {
      throttle.acquire();
      d.undelete(name);
    }

    @Override
    public void destroy(DestroyRequest request) {
      String name = request.name();
      List<Long> versions = request.versions();
      throttle.acquire();
      d.destroy(request);
    }
  }

  /** A store that reads up to {@value #BATCH} secrets in one request, as BatchGetSecretValue. */
  private static final class BatchingRoomStore extends RoomStore {
    long batches;
    long batchedSecrets;

    BatchingRoomStore(Throttle throttle, SecretStore d, MutableClock clock) {
      super(throttle, d, clock);
    }

    @Override
    public List<Optional<StoredSecret>> readAll(List<ReadRequest> requests) {
      if (requests.size() > BATCH) {
        throw new IllegalArgumentException("at most " + BATCH + " per batch");
      }
      requests.forEach(this::seen);
      throttle.acquire(); // one request for the whole batch
      batches++;
      batchedSecrets += requests.size();
      List<Optional<StoredSecret>> out = new ArrayList<>();
      for (ReadRequest r : requests) {
        out.add(d.read(r));
      }
      return out;
    }
  }

  private record RoomBackend(SecretStore secrets, KeyEncryptionService keys) implements Backend {
    @Override
    public void close() {}
  }
}
