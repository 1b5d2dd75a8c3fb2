package dev.strongroom.internal.room;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CURRENT values of secrets, cached with refresh-ahead and stale-if-error.
 *
 * <p>Design: a Caffeine {@link LoadingCache} keyed by full secret name, its ticker driven by the
 * room's {@link Clock}. A miss loads synchronously, one load per key however many callers wait
 * (Caffeine's single flight). An entry older than {@code refreshAfter} is served as is while
 * Caffeine reloads it on the executor (refreshAfterWrite). A reload that fails with {@link
 * BackendUnavailableException} returns the old entry unchanged, so its {@code loadedAt} keeps the
 * time of the last successful load: that is the staleness callers can see. A read of an entry older
 * than {@code maxStale} does not serve it: it loads synchronously inside {@code compute} (single
 * flight again) and, if the backend still fails, throws {@link BackendUnavailableException}; the
 * entry stays, and the first read after the backend recovers replaces it. A reload that finds the
 * secret gone drops the entry. Every entry that enters the cache (a load, a write through the room,
 * a refresh) is queued for announcement if its version is above every one queued before for that
 * name; one drain per name on the executor delivers the queue in version order, each entry with its
 * own value (a refresh's entry once Caffeine installed it, from the removal listener); a per-key
 * high-water mark makes each version announced once. Values are owned by the cache, handed out as
 * copies, and wiped on {@link #close()} only (a reader may be copying a replaced value, so
 * replacement does not wipe).
 *
 * <p>Thread-safe. Not for public use.
 */
public final class SecretCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretCache.class);

  /**
   * A cached value, its version's metadata, and when it was last confirmed by the backend.
   *
   * @param version the version's metadata
   * @param value the value, owned by the cache
   * @param loadedAt when the backend last returned it
   */
  public record Entry(SecretVersion version, SecretValue value, Instant loadedAt) {}

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

  private SecretCache(
      Function<String, Optional<StoredSecret>> source,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      BiConsumer<String, Entry> onNewVersion,
      RoomObserver observer) {
    this.source = source;
    this.refreshAfter = refreshAfter;
    this.observer = observer;
    this.executor = executor;
    this.clock = clock;
    this.maxStale = maxStale;
    this.maxStaleMillis = maxStale.toMillis();
    this.onNewVersion = onNewVersion;
    this.cache =
        Caffeine.newBuilder()
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .refreshAfterWrite(refreshAfter)
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
    return new SecretCache(
        Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(refreshAfter, "refreshAfter"),
        Objects.requireNonNull(maxStale, "maxStale"),
        maximumSize,
        Objects.requireNonNull(executor, "executor"),
        Objects.requireNonNull(onNewVersion, "onNewVersion"),
        Objects.requireNonNull(observer, "observer"));
  }

  /**
   * The cached entry for {@code name}, loading it on a miss or when it is older than the stale
   * bound.
   *
   * @throws NotFoundException if the secret does not exist
   * @throws BackendUnavailableException if it had to be loaded and the backend failed
   */
  public Entry get(String name) {
    checkOpen();
    // One lookup on a hit (getIfPresent refreshes after refreshAfter, as get does).
    Entry entry = cache.getIfPresent(name);
    if (entry != null) {
      observer.cacheHit(name);
    } else {
      observer.cacheMiss(name);
      entry = cache.get(name);
    }
    announce(name, entry);
    if (!tooOld(entry)) {
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
                  if (current != null && !tooOld(current)) {
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
    announce(name, entry);
  }

  /** Reloads {@code name} in the background if it is cached. */
  public void refresh(String name) {
    if (!closed && cache.policy().getIfPresentQuietly(name) != null) {
      cache.refresh(name);
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

  private boolean tooOld(Entry entry) {
    return clock.millis() - entry.loadedAt().toEpochMilli() > maxStaleMillis;
  }

  private Entry fetch(String name) {
    StoredSecret stored =
        source
            .apply(name)
            .orElseThrow(() -> new NotFoundException("no such secret: '" + name + "'"));
    failing.remove(name);
    return new Entry(stored.version(), stored.value(), clock.instant());
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
    Announcements a = entry == null ? null : announced.get(name);
    if (a != null && entry.version().version() <= a.highest && !a.pending) {
      return; // the read path: a version already announced and nothing queued, one lookup
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

    @Override
    public Entry reload(String name, Entry old) {
      try {
        Optional<StoredSecret> stored = source.apply(name);
        failing.remove(name);
        if (stored.isEmpty()) {
          return null; // deleted or destroyed elsewhere: drop it
        }
        Entry fresh = new Entry(stored.get().version(), stored.get().value(), clock.instant());
        if (fresh.version().version() > old.version().version()) {
          enqueue(name, fresh); // delivered once installed (removal listener, REPLACED)
        }
        return fresh;
      } catch (BackendUnavailableException e) {
        failing.add(name);
        LOG.debug(
            "refresh of secret '{}' failed; serving the value loaded at {}", name, old.loadedAt());
        return old;
      }
    }
  }
}
