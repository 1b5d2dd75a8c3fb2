package dev.strongroom.internal.room;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendThrottledException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CURRENT values of secrets, cached with refresh-ahead and stale-if-error.
 *
 * <p>Design: a Caffeine {@link LoadingCache} keyed by full secret name, bounded by size only (ages
 * come from the room's {@link Clock}, read here). A miss loads synchronously, one load per key
 * however many callers wait (Caffeine's single flight). An entry older than {@code refreshAfter} is
 * served as is while the refresh schedule below reloads it on the executor. A reload that fails
 * with {@link BackendUnavailableException} returns the old entry unchanged, so its {@code loadedAt}
 * keeps the time of the last successful load: that is the staleness callers can see. A read of an
 * entry older than {@code maxStale} does not serve it: it loads synchronously inside {@code
 * compute} (single flight again) and, if the backend still fails, throws {@link
 * BackendUnavailableException}; the entry stays, and the first read after the backend recovers
 * replaces it. A refresh that finds the secret gone drops the entry.
 *
 * <p>Refresh scheduling (not Caffeine's refreshAfterWrite): each entry the backend (or a write
 * through the room) confirmed at time {@code t} is due for a background refresh at {@code t +
 * refreshAfter + U[0, jitter)}, a fresh random delay each time, and never earlier than {@code t +
 * refreshAfter}. A failed or throttled refresh counts as the interval's read: the entry is due
 * again a full interval later (and is served stale meanwhile, within the stale bound); a throttled
 * answer also pauses the whole room's background requests (1 s, doubling per throttled answer in a
 * row, at most {@code refreshAfter}). Due entries are refreshed by one pump at a time, run on the
 * executor when a read finds something due ({@link #maybeRefresh(long)}), oldest due first, each
 * request taking a token from the room's {@link RequestBudget}; with no token the pump stops and
 * the next read after the next token starts it again. Where the store batches ({@code batchSize >
 * 1}), the due entry is refreshed together with every other entry at least {@code refreshAfter}
 * old, up to {@code batchSize} in one request. Foreground loads charge the budget without waiting.
 * Every entry that enters the cache (a load, a write through the room, a refresh) is queued for
 * announcement if its version is above every one queued before for that name; one drain per name on
 * the executor delivers the queue in version order, each entry with its own value (a refresh's
 * entry once Caffeine installed it, from the removal listener); a per-key high-water mark makes
 * each version announced once. Values are owned by the cache, handed out as copies, and wiped on
 * {@link #close()} only (a reader may be copying a replaced value, so replacement does not wipe).
 *
 * <p>Thread-safe. Not for public use.
 */
public final class SecretCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretCache.class);

  /**
   * A cached value, its version's metadata, and when it was last confirmed by the backend. Equal by
   * its three components, as a record; it also remembers, for the read path, its name's
   * announcement queue once it was announced (the queue of a name is never replaced, so this saves
   * a map lookup per hit without changing what is announced).
   */
  public static final class Entry {
    private final SecretVersion version;
    private final SecretValue value;
    private final Instant loadedAt;
    private final long loadedAtMillis;

    /** Its name's queue, once {@link #announce} found this entry's version queued or announced. */
    private volatile Announcements announcements;

    /**
     * A cache entry.
     *
     * @param version the version's metadata
     * @param value the value, owned by the cache
     * @param loadedAt when the backend last returned it
     */
    public Entry(SecretVersion version, SecretValue value, Instant loadedAt) {
      this.version = Objects.requireNonNull(version, "version");
      this.value = Objects.requireNonNull(value, "value");
      this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
      this.loadedAtMillis = loadedAt.toEpochMilli();
    }

    /** The version's metadata. */
    public SecretVersion version() {
      return version;
    }

    /** The value, owned by the cache. */
    public SecretValue value() {
      return value;
    }

    /** When the backend last returned it. */
    public Instant loadedAt() {
      return loadedAt;
    }

    /** {@link #loadedAt} in epoch milliseconds. */
    public long loadedAtMillis() {
      return loadedAtMillis;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e
          && version.equals(e.version)
          && value.equals(e.value)
          && loadedAt.equals(e.loadedAt);
    }

    @Override
    public int hashCode() {
      return Objects.hash(version, value, loadedAt);
    }

    @Override
    public String toString() {
      return "Entry[version=" + version + ", value=" + value + ", loadedAt=" + loadedAt + "]";
    }
  }

  private final Function<String, Optional<StoredSecret>> source;
  private final Clock clock;
  private final Duration maxStale;
  private final long maxStaleMillis;
  private final BiConsumer<String, Entry> onNewVersion;
  private final ConcurrentHashMap<String, Announcements> announced = new ConcurrentHashMap<>();
  private final Executor executor;
  private final Duration refreshAfter;
  private final RoomObserver observer;

  /** Names whose last background refresh failed (so the entry served is not being confirmed). */
  private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();

  private final LoadingCache<String, Entry> cache;
  private volatile boolean closed;

  // ---- refresh scheduling (see the class comment)
  private final RefreshPolicy policy;
  private final long refreshMillis;
  private final long jitterMillis;
  private final RequestBudget budget;
  private final Schedule schedule = new Schedule();

  /** The earliest clock millis at which the pump has work (a due entry and a token). */
  private volatile long nextKick = Long.MAX_VALUE;

  private final AtomicBoolean pumping = new AtomicBoolean();
  private int throttledInARow; // guarded by schedule

  private SecretCache(
      Function<String, Optional<StoredSecret>> source,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      BiConsumer<String, Entry> onNewVersion,
      RoomObserver observer,
      RefreshPolicy policy) {
    this.policy = policy;
    this.refreshMillis = Math.max(1, refreshAfter.toMillis());
    this.jitterMillis = policy.jitter().toMillis();
    this.source = source;
    this.refreshAfter = refreshAfter;
    this.observer = observer;
    this.executor = executor;
    this.clock = clock;
    this.maxStale = maxStale;
    this.maxStaleMillis = maxStale.toMillis();
    this.onNewVersion = onNewVersion;
    double explicit = policy.requestBudget();
    double refreshSeconds = refreshMillis / 1000.0;
    this.budget =
        new RequestBudget(
            clock,
            explicit > 0
                ? () -> explicit
                : () -> Math.max(1.0, 2.0 * estimatedSize() / refreshSeconds),
            maxStale.toMillis() / 2000.0,
            ThreadLocalRandom.current().nextDouble());
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(executor)
            .removalListener(
                (String name, Entry old, RemovalCause cause) -> {
                  if (cause == RemovalCause.REPLACED && name != null) {
                    kick(name); // a refreshed entry is installed: deliver what reload queued
                  }
                })
            .build(new Loader());
  }

  /**
   * A cache reading CURRENT values from {@code source} (empty: the secret does not exist).
   *
   * @param onNewVersion told, on the executor, when a newer version replaced a cached one
   */
  public static SecretCache create(
      Function<String, Optional<StoredSecret>> source,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      BiConsumer<String, Entry> onNewVersion) {
    return create(
        source,
        clock,
        refreshAfter,
        maxStale,
        maximumSize,
        executor,
        onNewVersion,
        RoomObserver.noop());
  }

  /**
   * As above, telling {@code observer} (which must not throw) about hits, misses and stale reads.
   */
  public static SecretCache create(
      Function<String, Optional<StoredSecret>> source,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      BiConsumer<String, Entry> onNewVersion,
      RoomObserver observer) {
    return create(
        source,
        clock,
        refreshAfter,
        maxStale,
        maximumSize,
        executor,
        onNewVersion,
        observer,
        RefreshPolicy.defaults(refreshAfter));
  }

  /** As above, refreshing under {@code policy} (budget, jitter, batching). */
  public static SecretCache create(
      Function<String, Optional<StoredSecret>> source,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      BiConsumer<String, Entry> onNewVersion,
      RoomObserver observer,
      RefreshPolicy policy) {
    return new SecretCache(
        Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(refreshAfter, "refreshAfter"),
        Objects.requireNonNull(maxStale, "maxStale"),
        maximumSize,
        Objects.requireNonNull(executor, "executor"),
        Objects.requireNonNull(onNewVersion, "onNewVersion"),
        Objects.requireNonNull(observer, "observer"),
        Objects.requireNonNull(policy, "policy"));
  }

  /**
   * How a cache refreshes in the background.
   *
   * @param requestBudget background requests per second, or 0 to derive it: {@code max(1, 2 x
   *     cached secrets / refreshAfter)}
   * @param jitter each refresh is due a random delay in {@code [0, jitter)} after {@code
   *     refreshAfter}
   * @param batchSource reads several CURRENT values in one request, one result per name in order
   *     (null: no batching)
   * @param batchSize how many names one batch request takes at most (1: no batching)
   */
  public record RefreshPolicy(
      double requestBudget,
      Duration jitter,
      Function<List<String>, List<Optional<StoredSecret>>> batchSource,
      int batchSize) {
    /** Checks the fields. */
    public RefreshPolicy {
      Objects.requireNonNull(jitter, "jitter");
      if (!(requestBudget >= 0) || Double.isInfinite(requestBudget)) {
        throw new IllegalArgumentException(
            "expected a request budget >= 0 but was " + requestBudget);
      }
      if (jitter.isNegative()) {
        throw new IllegalArgumentException("expected a jitter >= 0 but was " + jitter);
      }
      if (batchSize < 1 || (batchSize > 1 && batchSource == null)) {
        throw new IllegalArgumentException("expected a batch size >= 1 with a batch source");
      }
    }

    /** A derived budget, a jitter of a tenth of {@code refreshAfter}, no batching. */
    public static RefreshPolicy defaults(Duration refreshAfter) {
      return new RefreshPolicy(0, refreshAfter.dividedBy(10), null, 1);
    }
  }

  /**
   * The cached entry for {@code name}, loading it on a miss or when it is older than the stale
   * bound.
   *
   * @throws NotFoundException if the secret does not exist
   * @throws BackendUnavailableException if it had to be loaded and the backend failed
   */
  public Entry get(String name) {
    return get(name, Long.MIN_VALUE);
  }

  /**
   * As {@link #get(String)} at {@code nowMillis}, the caller's read of this cache's {@linkplain
   * #clock() clock} taken just before (so that an audited read stamps its event with the same
   * read); {@code Long.MIN_VALUE} to read the clock here.
   */
  public Entry get(String name, long nowMillis) {
    checkOpen();
    // One lookup and one clock read on a hit (none when the caller read it).
    Entry entry = cache.getIfPresent(name);
    long now;
    if (entry != null) {
      observer.cacheHit(name);
      now = nowMillis == Long.MIN_VALUE ? clock.millis() : nowMillis;
    } else {
      observer.cacheMiss(name);
      entry = cache.get(name);
      now = clock.millis(); // after the load
    }
    maybeRefresh(now);
    announce(name, entry);
    if (!tooOld(entry, now)) {
      if (!failing.isEmpty() && failing.contains(name)) {
        Duration age = Duration.between(entry.loadedAt(), clock.instant());
        if (age.compareTo(refreshAfter) > 0) {
          observer.staleRead(name, age);
        }
      }
      return entry;
    }
    Entry loaded =
        cache
            .asMap()
            .compute(
                name,
                (k, current) -> {
                  if (current != null && !tooOld(current, clock.millis())) {
                    return current; // another caller reloaded it meanwhile
                  }
                  try {
                    return fetch(k);
                  } catch (BackendUnavailableException e) {
                    throw new BackendUnavailableException(
                        "secret '"
                            + k
                            + "' is unavailable: the backend is failing and the cached value is older"
                            + " than the stale bound of "
                            + maxStale,
                        e);
                  }
                });
    announce(name, loaded);
    return loaded;
  }

  /** Installs {@code entry} after a write through the room, unless a newer one is cached. */
  public void update(String name, Entry entry) {
    checkOpen();
    cache
        .asMap()
        .merge(
            name,
            entry,
            (old, fresh) -> fresh.version().version() >= old.version().version() ? fresh : old);
    plan(name, entry.loadedAt().toEpochMilli());
    announce(name, entry);
  }

  /**
   * Makes {@code name} due for a background refresh now if it is cached (still within the request
   * budget, and at most once per {@code refreshAfter}), and starts the pump.
   */
  public void refresh(String name) {
    Entry entry = closed ? null : cache.policy().getIfPresentQuietly(name);
    if (entry != null) {
      synchronized (schedule) {
        long now = clock.millis();
        long earliest = entry.loadedAt().toEpochMilli() + refreshMillis;
        schedule.put(name, Math.max(now, earliest), earliest);
        nextKick = Math.min(nextKick, schedule.nextDue());
      }
      maybeRefresh(clock.millis());
    }
  }

  /** Drops {@code name}. */
  public void invalidate(String name) {
    cache.invalidate(name);
  }

  /** Drops every name starting with {@code prefix}. */
  public void invalidatePrefix(String prefix) {
    cache.asMap().keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** How long ago the backend last confirmed the cached value of {@code name}, if cached. */
  public Optional<Duration> staleness(String name) {
    Entry entry = closed ? null : cache.policy().getIfPresentQuietly(name);
    return entry == null
        ? Optional.empty()
        : Optional.of(Duration.between(entry.loadedAt(), clock.instant()));
  }

  /** Wipes and drops every cached value; later calls fail. */
  @Override
  public void close() {
    closed = true;
    cache.asMap().values().forEach(e -> e.value().wipe());
    cache.invalidateAll();
    cache.cleanUp();
  }

  private boolean tooOld(Entry entry, long now) {
    return now - entry.loadedAtMillis() > maxStaleMillis;
  }

  /** The clock that ages the entries (the room's). */
  public Clock clock() {
    return clock;
  }

  /** A foreground load: never waits for the budget, charges it one request. */
  private Entry fetch(String name) {
    budget.charge(1);
    StoredSecret stored =
        source
            .apply(name)
            .orElseThrow(() -> new NotFoundException("no such secret: '" + name + "'"));
    failing.remove(name);
    Entry entry = new Entry(stored.version(), stored.value(), clock.instant());
    plan(name, entry.loadedAt().toEpochMilli());
    return entry;
  }

  // ------------------------------------------------------------------ refresh scheduling

  /** The room's request budget (secret refreshes and other background requests share it). */
  RequestBudget budget() {
    return budget;
  }

  /** How many secrets are cached (approximately). */
  long estimatedSize() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  /**
   * Schedules the next background refresh of {@code name}, confirmed (or tried) at {@code
   * confirmedMillis}: due {@code refreshAfter} plus a random jitter later.
   */
  private void plan(String name, long confirmedMillis) {
    long earliest = confirmedMillis + refreshMillis;
    long due =
        earliest + (jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis) : 0);
    synchronized (schedule) {
      schedule.put(name, due, earliest);
      nextKick = Math.min(nextKick, schedule.nextDue());
    }
  }

  /**
   * Starts the refresh pump on the executor if something may be due at {@code now} (the caller's
   * clock read; one volatile read when nothing is).
   */
  void maybeRefresh(long now) {
    if (now >= nextKick && !closed && pumping.compareAndSet(false, true)) {
      try {
        executor.execute(this::pump);
      } catch (RuntimeException e) {
        pumping.set(false);
        LOG.warn("background refresh not started: {}", e.getClass().getName());
      }
    }
  }

  /** Refreshes what is due while the budget allows; one pump at a time. */
  private void pump() {
    try {
      while (!closed) {
        long now = clock.millis();
        List<String> names;
        synchronized (schedule) {
          long head = schedule.nextDue();
          if (head > now) {
            nextKick = head;
            return;
          }
          if (!budget.tryTake(1)) {
            nextKick = budget.nextAt(1);
            return;
          }
          names =
              schedule.takeDue(
                  now, policy.batchSource() == null ? 1 : policy.batchSize(), jitterMillis);
        }
        refreshNow(names);
      }
    } catch (RuntimeException e) {
      LOG.warn("background refresh stopped: {}", e.getClass().getName());
    } finally {
      pumping.set(false);
    }
  }

  /** One background request for {@code names} (taken off the schedule, token paid). */
  private void refreshNow(List<String> due) {
    List<String> names = new ArrayList<>(due.size());
    List<Entry> olds = new ArrayList<>(due.size());
    for (String name : due) {
      Entry old = cache.policy().getIfPresentQuietly(name);
      if (old != null) { // evicted or invalidated meanwhile: no longer scheduled
        names.add(name);
        olds.add(old);
      }
    }
    if (names.isEmpty()) {
      return;
    }
    long now = clock.millis();
    List<Optional<StoredSecret>> results;
    try {
      results =
          names.size() == 1
              ? List.of(source.apply(names.get(0)))
              : policy.batchSource().apply(names);
      if (results.size() != names.size()) {
        throw new IllegalStateException(
            "expected " + names.size() + " results from a batch read but got " + results.size());
      }
      synchronized (schedule) {
        throttledInARow = 0;
      }
    } catch (RuntimeException e) {
      if (e instanceof BackendThrottledException) {
        int k;
        synchronized (schedule) {
          k = ++throttledInARow;
        }
        long pause = Math.min(refreshMillis, 1000L << Math.min(k - 1, 20));
        budget.pause(Duration.ofMillis(pause));
      }
      if (!(e instanceof BackendUnavailableException)) {
        LOG.warn("refresh of {} secret(s) failed: {}", names.size(), e.getClass().getName());
      } else {
        LOG.debug("refresh of {} secret(s) failed; serving cached values", names.size());
      }
      for (String name : names) {
        failing.add(name);
        plan(name, now); // the failed read counts as this interval's read
      }
      return;
    }
    Instant loadedAt = clock.instant();
    for (int i = 0; i < names.size(); i++) {
      try {
        install(names.get(i), olds.get(i), results.get(i), loadedAt);
      } catch (RuntimeException e) {
        plan(names.get(i), now); // never drop a name from the schedule
        LOG.warn("installing a refreshed secret failed: {}", e.getClass().getName());
      }
    }
  }

  /** Installs one refreshed value in place of {@code old}, unless something replaced it. */
  private void install(String name, Entry old, Optional<StoredSecret> stored, Instant loadedAt) {
    failing.remove(name);
    if (stored.isEmpty()) {
      cache.asMap().remove(name, old); // deleted or destroyed elsewhere: drop it
      return;
    }
    Entry fresh = new Entry(stored.get().version(), stored.get().value(), loadedAt);
    if (cache.asMap().replace(name, old, fresh)) {
      plan(name, loadedAt.toEpochMilli());
      if (fresh.version().version() > old.version().version()) {
        enqueue(name, fresh);
        kick(name);
      }
    } else {
      fresh.value().wipe(); // a write through the room or a load replaced it meanwhile
    }
  }

  /**
   * When each cached name is next refreshed: ordered by due time, at most one entry per name.
   * Guarded by itself; no I/O under its lock.
   */
  private static final class Schedule {
    private record Due(long due, long earliest, String name) {}

    private final TreeSet<Due> queue =
        new TreeSet<>(Comparator.comparingLong(Due::due).thenComparing(Due::name));
    private final HashMap<String, Due> byName = new HashMap<>();

    void put(String name, long due, long earliest) {
      Due previous = byName.put(name, new Due(due, earliest, name));
      if (previous != null) {
        queue.remove(previous);
      }
      queue.add(byName.get(name));
    }

    long nextDue() {
      return queue.isEmpty() ? Long.MAX_VALUE : queue.first().due();
    }

    /**
     * Takes the first due name and, with {@code max > 1}, up to {@code max - 1} others whose
     * interval has passed ({@code earliest <= now}), in due order ({@code due < earliest + jitter},
     * so none lies beyond {@code now + jitter}).
     */
    List<String> takeDue(long now, int max, long jitter) {
      List<Due> taken = new ArrayList<>();
      for (Due d : queue) {
        if (taken.size() >= max || d.due() > now + jitter) {
          break;
        }
        if (d.due() <= now || (!taken.isEmpty() && d.earliest() <= now)) {
          taken.add(d);
        } else if (taken.isEmpty()) {
          break;
        }
      }
      List<String> names = new ArrayList<>(taken.size());
      for (Due d : taken) {
        queue.remove(d);
        byName.remove(d.name());
        names.add(d.name());
      }
      return names;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("expected an open room but it was closed");
    }
  }

  /**
   * Queues {@code entry} for {@code onNewVersion} if its version is above every version queued for
   * {@code name} so far, and starts a drain on the executor unless one is running. One drain per
   * name delivers the queue in order, so listeners see each version once, in increasing order, each
   * with its own value (never the cache's entry at the time the drain runs). Called after the entry
   * is installed, outside any cache computation.
   */
  private void announce(String name, Entry entry) {
    if (entry == null) {
      enqueue(name, null);
      kick(name);
      return;
    }
    Announcements a = entry.announcements; // the read path: no lookup once the entry knows it
    boolean known = a != null;
    if (!known) {
      a = announced.get(name);
    }
    if (a != null && entry.version().version() <= a.highest) {
      if (!known) {
        entry.announcements = a; // once: the name's queue is never replaced
      }
      if (!a.pending) {
        return; // a version already announced and nothing queued
      }
    }
    enqueue(name, entry);
    kick(name);
  }

  /** Queues {@code entry} if its version is above every one queued for {@code name} so far. */
  private void enqueue(String name, Entry entry) {
    if (closed || entry == null) {
      return;
    }
    long version = entry.version().version();
    Announcements a = announced.get(name);
    if (a != null && version <= a.highest) {
      return; // the common case, a read of a version already announced: no lock
    }
    if (a == null) {
      a = announced.computeIfAbsent(name, k -> new Announcements());
    }
    synchronized (a) {
      if (version > a.highest) {
        a.highest = version;
        a.queue.add(entry);
        a.pending = true;
      }
    }
  }

  /** Starts a drain of {@code name}'s queue on the executor unless it is empty or draining. */
  private void kick(String name) {
    Announcements a = announced.get(name);
    if (closed || a == null || !a.pending) {
      return; // nothing queued: no lock on the read path
    }
    synchronized (a) {
      if (a.draining || a.queue.isEmpty()) {
        return;
      }
      a.draining = true;
    }
    try {
      executor.execute(() -> drain(name, a));
    } catch (RuntimeException e) {
      synchronized (a) {
        a.draining = false;
      }
      LOG.warn("change of secret '{}' not announced: {}", name, e.getClass().getName());
    }
  }

  private void drain(String name, Announcements a) {
    while (true) {
      Entry next;
      synchronized (a) {
        next = a.queue.poll();
        if (next == null || closed) {
          a.queue.clear();
          a.draining = false;
          a.pending = false;
          return;
        }
      }
      try {
        onNewVersion.accept(name, next);
      } catch (RuntimeException e) {
        LOG.warn("announcing secret '{}' failed: {}", name, e.getClass().getName());
      }
    }
  }

  /** Versions of one name waiting to be announced, in order. Guarded by itself. */
  private static final class Announcements {
    final java.util.ArrayDeque<Entry> queue = new java.util.ArrayDeque<>();
    volatile long highest; // written under the lock, read without it
    volatile boolean pending; // the queue may be non-empty; written under the lock
    boolean draining;
  }

  private final class Loader implements CacheLoader<String, Entry> {
    @Override
    public Entry load(String name) {
      return fetch(name);
    }
  }
}
