package dev.strongroom.internal.room;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.envelope.Kek;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeaseManager;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.observe.RotationOutcome;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state every view of one room shares: the backend, the secret cache, the envelopes per KEK,
 * the change listeners and the room's threads.
 *
 * <p>Design: secrets under {@code tenants/ID/} are stored sealed by the tenant's KEK ({@code
 * tenant-ID}) with the full name as encryption context, so destroying that KEK shreds them; every
 * other secret is stored as given and protected by the backend. This codec sits between the backend
 * and everything else, so the cache, rotation and listeners only see plaintext values.
 *
 * <p>Thread-safe. Not for public use.
 */
public final class RoomCore implements AutoCloseable {
  /** The namespace of tenant secrets. */
  public static final String TENANTS = "tenants/";

  /** The KEK a room encrypts with unless it is a tenant view. */
  public static final String DEFAULT_KEK = "default";

  /** The prefix of a tenant's KEK as stored in the key service: {@code tenant-ID}. */
  public static final String TENANT_KEK_PREFIX = "tenant-";

  private static final String CONTEXT_KEY = "strongroom:secret";
  private static final Logger LOG = LoggerFactory.getLogger(RoomCore.class);

  /** Which provider runs the room's AES-GCM; the builder sets it before any envelope exists. */
  private volatile dev.strongroom.envelope.CryptoProvider cryptoProvider =
      dev.strongroom.envelope.CryptoProvider.AUTO;

  private final Settings settings;
  private final Backend backend;
  private final SecretStore store;
  private final KeyEncryptionService keys;
  private final Clock clock;
  private final String principal;
  private final AccessRecorder recorder;
  private final AuditTrail audit;
  private final ScheduledExecutorService scheduler;
  private final SecretCache cache;
  private final LeaseManager leases;
  private final RoomObserver observer;
  private final Optional<LeaseProvider> leaseProvider;
  private final ConcurrentHashMap<String, Envelope> envelopes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<
          String, CopyOnWriteArrayList<BiConsumer<String, SecretCache.Entry>>>
      listeners = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<Class<?>, Object> components = new ConcurrentHashMap<>();

  /** Default bound on noticing a KEK's new primary version made outside the room. */
  public static final Duration DEFAULT_KEY_CHECK = Duration.ofSeconds(60);

  private volatile dev.strongroom.internal.retire.PrimaryWatch primaryWatch;
  private volatile java.util.concurrent.ScheduledFuture<?> watchTask;

  /** KEKs this room saw exist; a destroyed key leaves the set, nothing ever creates one. */
  private final java.util.Set<String> knownKeys = ConcurrentHashMap.newKeySet();

  private RoomCore(Settings s) {
    this.settings = s;
    this.backend = s.backend;
    this.observer = Observed.safe(s.observer == null ? RoomObserver.noop() : s.observer);
    this.store = Observed.timed(SecretStore.class, backend.secrets(), observer);
    this.keys = Observed.timed(KeyEncryptionService.class, backend.keys(), observer);
    this.leaseProvider =
        backend.leases().map(p -> Observed.timed(LeaseProvider.class, p, observer));
    this.clock = s.clock;
    this.principal = s.principal;
    this.recorder = s.recorder;
    this.audit = AuditTrail.of(s.recorder, s.principal, observer);
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, threads());
    pool.setRemoveOnCancelPolicy(true);
    this.scheduler = pool;
    Executor executor = s.executor == null ? pool : s.executor;
    this.cache =
        SecretCache.create(
            name -> readStore(ReadRequest.current(name)),
            clock,
            s.refreshAfter,
            s.maxStale,
            s.maximumSize,
            executor,
            this::announce,
            observer,
            refreshPolicy(s, backend.secrets()));
    LeaseManager.Builder leaseBuilder =
        LeaseManager.builder().clock(clock).rotationOverlap(s.leaseRotationOverlap());
    if (s.leaseScheduler != null) {
      leaseBuilder.scheduler(s.leaseScheduler);
    }
    this.leases = leaseBuilder.build();
    leases.addListener(this::auditLease);
    leases.addListener(e -> observer.leaseEvent(e.path(), e.type()));
    keyCheckInterval(DEFAULT_KEY_CHECK);
  }

  /**
   * Settings of a room. Plain holder filled by the public builder.
   *
   * @param backend the backend, owned (closed) by the room
   * @param clock the room's clock
   * @param refreshAfter when a cached value is refreshed in the background
   * @param maxStale how old a cached value may be served while the backend fails
   * @param maximumSize how many secrets the cache holds
   * @param executor where refreshes and listeners run; null for the room's own threads
   * @param principal who the room acts for, in access records
   * @param recorder the access hook
   * @param leaseScheduler where lease renewals run; null for the lease manager's own thread
   * @param observer told about cache hits, backend calls, leases...; null for none
   * @param leaseRotationOverlap how long a lease replaced by a rotation stays valid, at most
   * @param requestBudget background requests per second, 0 to derive it from the cache's size
   * @param refreshJitter each refresh is due a random delay below this after {@code refreshAfter};
   *     null for a tenth of {@code refreshAfter}
   */
  public record Settings(
      Backend backend,
      Clock clock,
      Duration refreshAfter,
      Duration maxStale,
      long maximumSize,
      Executor executor,
      String principal,
      AccessRecorder recorder,
      ScheduledExecutorService leaseScheduler,
      RoomObserver observer,
      Duration leaseRotationOverlap,
      double requestBudget,
      Duration refreshJitter) {}

  /** Secrets Manager's BatchGetSecretValue takes at most 20 names. */
  static final int BATCH_SIZE = 20;

  /**
   * The cache's refresh policy: the budget and jitter of {@code s}, and batches of up to {@value
   * #BATCH_SIZE} names when the store (as given, unwrapped) overrides {@link SecretStore#readAll}:
   * such a store is taken to send one request per call, as Secrets Manager's BatchGetSecretValue
   * does; the default {@code readAll} reads one by one, so it is not used.
   */
  private SecretCache.RefreshPolicy refreshPolicy(Settings s, SecretStore raw) {
    Duration jitter = s.refreshJitter() == null ? s.refreshAfter.dividedBy(10) : s.refreshJitter();
    boolean batches;
    try {
      batches =
          raw.getClass().getMethod("readAll", List.class).getDeclaringClass() != SecretStore.class;
    } catch (NoSuchMethodException e) {
      batches = false;
    }
    return batches
        ? new SecretCache.RefreshPolicy(s.requestBudget(), jitter, this::readAllCurrent, BATCH_SIZE)
        : new SecretCache.RefreshPolicy(s.requestBudget(), jitter, null, 1);
  }

  /** Reads the CURRENT values of {@code names} in one store call, opening tenant-sealed values. */
  private List<Optional<StoredSecret>> readAllCurrent(List<String> names) {
    List<ReadRequest> requests = new java.util.ArrayList<>(names.size());
    for (String name : names) {
      requests.add(ReadRequest.current(name));
    }
    List<Optional<StoredSecret>> read = store.readAll(requests);
    List<Optional<StoredSecret>> opened = new java.util.ArrayList<>(read.size());
    for (int i = 0; i < read.size(); i++) {
      opened.add(open(names.get(i), read.get(i)));
    }
    return opened;
  }

  /** A core over {@code settings}. */
  public static RoomCore create(Settings settings) {
    return new RoomCore(settings);
  }

  /** The settings the room was built with. */
  public Settings settings() {
    return settings;
  }

  /** The room's observer (never throws). */
  public RoomObserver observer() {
    return observer;
  }

  /** The room's clock. */
  public Clock clock() {
    return clock;
  }

  /** The principal in access records. */
  public String principal() {
    return principal;
  }

  /** The access hook. */
  public AccessRecorder recorder() {
    return recorder;
  }

  /** The room's one audit helper, shared by every view and part. */
  public AuditTrail audit() {
    return audit;
  }

  /** The secret store. */
  public SecretStore store() {
    return store;
  }

  /** The KEK service. */
  public KeyEncryptionService keys() {
    return keys;
  }

  /** The lease manager, owned by the room: closing the room revokes every lease. */
  public LeaseManager leases() {
    return leases;
  }

  /** The backend's provider of dynamic credentials, if it has one. */
  public Optional<LeaseProvider> leaseProvider() {
    return leaseProvider;
  }

  /** The cache of CURRENT values. */
  public SecretCache cache() {
    return cache;
  }

  /** The room's scheduler. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Reads from the store, opening tenant-sealed values. */
  public Optional<StoredSecret> readStore(ReadRequest request) {
    return open(request.name(), store.read(request));
  }

  /** Opens {@code stored} if {@code name} is a tenant secret (sealed by the tenant's KEK). */
  private Optional<StoredSecret> open(String name, Optional<StoredSecret> stored) {
    String kek = tenantKek(name);
    if (kek == null || stored.isEmpty()) {
      return stored;
    }
    SecretValue sealed = stored.get().value();
    try {
      requireKey(kek);
      byte[] plain = envelope(kek).decrypt(sealed.copyBytes(), context(name));
      try {
        return Optional.of(StoredSecret.of(stored.get().version(), SecretValue.of(plain)));
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
    } finally {
      sealed.wipe();
    }
  }

  /** Writes to the store, sealing tenant values. The caller keeps ownership of {@code value}. */
  public SecretVersion writeStore(String name, SecretValue value, Stage stage, long expected) {
    return writeStore(name, value, stage, expected, false);
  }

  /**
   * Writes to the store; {@code fields} says {@code value} is the JSON object of a multi-field
   * secret (see {@link WriteRequest}). Tenant values are sealed, so they are stored as one opaque
   * value whatever their shape (the JSON object is inside the seal).
   */
  public SecretVersion writeStore(
      String name, SecretValue value, Stage stage, long expected, boolean fields) {
    String kek = tenantKek(name);
    if (kek == null) {
      return store.write(new WriteRequest(name, value, stage, expected, fields));
    }
    requireKey(kek);
    byte[] sealed = value.apply(plain -> envelope(kek).encrypt(plain, context(name)));
    try (SecretValue sealedValue = SecretValue.of(sealed)) {
      return store.write(new WriteRequest(name, sealedValue, stage, expected));
    }
  }

  /** Caches a value just written as CURRENT; takes a copy of {@code value}. */
  public void written(SecretVersion version, SecretValue value) {
    cache.update(
        version.name(),
        new SecretCache.Entry(version, SecretValue.of(value.copyBytes()), clock.instant()));
  }

  /**
   * Rotates secret {@code name} in two phases: generate, write PENDING, apply, verify, promote to
   * CURRENT (the old CURRENT becomes PREVIOUS). Any failure leaves CURRENT as it was; a value that
   * was written stays PENDING so that an operator can inspect or finish it.
   *
   * @return the version that became CURRENT
   */
  public SecretVersion rotate(String name, dev.strongroom.SecretRotator rotator) {
    long start = System.nanoTime();
    RotationOutcome outcome = RotationOutcome.REJECTED;
    try {
      SecretVersion promoted = rotateSteps(name, rotator);
      outcome = RotationOutcome.PROMOTED;
      return promoted;
    } catch (ConflictException e) {
      outcome = RotationOutcome.CONFLICT;
      throw e;
    } catch (dev.strongroom.exception.BackendUnavailableException e) {
      outcome = RotationOutcome.BACKEND_ERROR;
      throw e;
    } finally {
      observer.rotation(name, outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private SecretVersion rotateSteps(String name, dev.strongroom.SecretRotator rotator) {
    StoredSecret current =
        readStore(ReadRequest.current(name))
            .orElseThrow(() -> new NotFoundException("no such secret: '" + name + "'"));
    long currentVersion = current.version().version();
    SecretValue pending = null;
    long pendingVersion = 0;
    String step = "generate";
    try {
      try (SecretValue lent = SecretValue.of(current.value().copyBytes())) {
        pending = rotator.generate(lent);
      }
      if (pending == null) {
        throw new IllegalStateException("expected a new value from the rotator but it was null");
      }
      step = "write-pending";
      long latest = store.metadata(name).latestVersion();
      boolean fields = Fields.isObject(current.value()) && Fields.isObject(pending);
      SecretVersion written = writeStore(name, pending, Stage.PENDING, latest, fields);
      pendingVersion = written.version();
      step = "apply";
      rotator.apply(pending);
      step = "verify";
      if (!rotator.verify(pending)) {
        throw new IllegalStateException("the rotator's verify step rejected the pending value");
      }
      step = "promote";
      store.moveStage(new MoveStageRequest(name, Stage.CURRENT, pendingVersion, currentVersion));
      SecretVersion promoted =
          store.metadata(name).versions().stream()
              .filter(v -> v.version() == written.version())
              .findFirst()
              .orElseThrow(() -> new NotFoundException("no such secret: '" + name + "'"));
      written(promoted, pending);
      return promoted;
    } catch (RuntimeException e) {
      throw rotationFailed(name, step, actualCurrent(name, currentVersion), pendingVersion, e);
    } finally {
      current.value().wipe();
      if (pending != null) {
        pending.wipe();
      }
    }
  }

  /**
   * What the store says is CURRENT after a failed rotation (another writer, a native tool, may have
   * moved it meanwhile): "version N", "no version" or, if the store cannot be asked, what it was.
   */
  private String actualCurrent(String name, long before) {
    try {
      Optional<SecretVersion> listed = store.metadata(name).withStage(Stage.CURRENT);
      if (listed.isPresent()) {
        return "version " + listed.get().version();
      }
      // a version another tool wrote may carry CURRENT without a number (AWS: a UUID VersionId)
      Optional<StoredSecret> read = store.read(ReadRequest.current(name));
      read.ifPresent(r -> r.value().wipe());
      return read.map(
              r ->
                  r.version().version() > 0
                      ? "version " + r.version().version()
                      : "a version another tool wrote (it has no Strongroom version number)")
          .orElse("no version (the secret has no CURRENT)");
    } catch (RuntimeException e) {
      return "version " + before + " when the rotation began (the store could not be asked now)";
    }
  }

  private static RuntimeException rotationFailed(
      String name, String step, String current, long pending, RuntimeException cause) {
    String message =
        "rotation of secret '"
            + name
            + "' failed at step "
            + step
            + "; CURRENT is "
            + current
            + (pending > 0 ? "; the new value is kept as PENDING version " + pending : "");
    if (cause instanceof ConflictException) {
      return new ConflictException(message, cause);
    }
    if (cause instanceof dev.strongroom.exception.BackendUnavailableException) {
      return new dev.strongroom.exception.BackendUnavailableException(message, cause);
    }
    if (cause instanceof NotFoundException) {
      return new NotFoundException(message, cause);
    }
    return new dev.strongroom.exception.StrongroomException(message, cause);
  }

  /**
   * The envelope over KEK {@code kekName}; it does not create the key. Each call checks, at most
   * once per {@link #keyCheckInterval}, whether the key got a new primary version outside the room.
   */
  public Envelope envelope(String kekName) {
    Envelope envelope =
        envelopes.computeIfAbsent(
            kekName,
            k ->
                Envelope.builder()
                    .kek(Kek.of(keys, k))
                    .clock(clock)
                    .cryptoProvider(cryptoProvider)
                    .build());
    dev.strongroom.internal.retire.PrimaryWatch watch = primaryWatch;
    watch.watch(kekName);
    watch.check(kekName);
    return envelope;
  }

  /**
   * How soon the room picks up a KEK's new primary version made outside it (a native Transit or KMS
   * rotation): 60 seconds unless set with {@link #keyCheckInterval(Duration)}.
   */
  public Duration keyCheckInterval() {
    return primaryWatch.interval();
  }

  /** Which provider runs the room's AES-GCM; set by the builder before any envelope is made. */
  public void cryptoProvider(dev.strongroom.envelope.CryptoProvider provider) {
    java.util.Objects.requireNonNull(provider, "provider");
    this.cryptoProvider = provider;
  }

  /**
   * Sets how soon a new primary version made outside the room is picked up (at most this long on
   * the room's clock for the room's own operations; a periodic task at this rate covers envelopes
   * the application holds). Call once, when the room is built.
   */
  public void keyCheckInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "expected a positive key check interval but was " + interval);
    }
    if (watchTask != null) {
      watchTask.cancel(false);
    }
    primaryWatch =
        new dev.strongroom.internal.retire.PrimaryWatch(
            budgeted(keys), clock, interval, this::keyChanged);
    long millis = Math.max(1, interval.toMillis());
    watchTask =
        scheduler.scheduleAtFixedRate(
            () -> {
              // a background task: skipped (until the next run) while the budget is spent
              if (cache.budget().available(1)) {
                primaryWatch.checkAll();
              }
            },
            millis,
            millis,
            TimeUnit.MILLISECONDS);
  }

  /** {@code keys} whose {@code describe} (the KEK check) charges the room's request budget. */
  private KeyEncryptionService budgeted(KeyEncryptionService keys) {
    java.lang.reflect.InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> proxy == args[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> method.invoke(keys, args);
            };
          }
          if (method.getName().equals("describe")) {
            cache.budget().charge(1);
          }
          try {
            return method.invoke(keys, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (KeyEncryptionService)
        java.lang.reflect.Proxy.newProxyInstance(
            KeyEncryptionService.class.getClassLoader(),
            new Class<?>[] {KeyEncryptionService.class},
            handler);
  }

  /** The room's request budget (shared by refreshes and KEK checks). */
  public double requestBudgetPerSecond() {
    return cache.budget().rate();
  }

  /**
   * The envelope over the {@code default} KEK. The key is never created here: nothing creates a KEK
   * implicitly.
   *
   * @throws NotFoundException if the backend has no {@code default} key, saying how to create it
   */
  public Envelope defaultEnvelope() {
    requireKey(DEFAULT_KEK);
    return envelope(DEFAULT_KEK);
  }

  /**
   * Checks once per room that KEK {@code kekName} exists (a describe); never creates it.
   *
   * @throws NotFoundException if it does not, saying how to create it (a destroyed tenant key stays
   *     destroyed)
   */
  public void requireKey(String kekName) {
    if (knownKeys.contains(kekName)) {
      return;
    }
    try {
      keys.describe(kekName);
    } catch (NotFoundException e) {
      throw missingKey(kekName, e);
    }
    knownKeys.add(kekName);
  }

  private static NotFoundException missingKey(String kekName, NotFoundException cause) {
    if (kekName.startsWith(TENANT_KEK_PREFIX)) {
      String tenant = kekName.substring(TENANT_KEK_PREFIX.length());
      return new NotFoundException(
          "tenant '"
              + tenant
              + "' has no key: it was never created, or it was destroyed (crypto-shredded);"
              + " keys are never created implicitly: room.tenant(\""
              + tenant
              + "\").keys().create(\"default\") creates one (for new data only)",
          cause);
    }
    return new NotFoundException(
        "no key '"
            + kekName
            + "' in the backend; keys are never created implicitly: room.keys().create(\""
            + kekName
            + "\") creates it (strongroom init does for a new file store)",
        cause);
  }

  /** Forgets cached data keys of {@code kekName}, after it rotated or retired versions. */
  public void keyChanged(String kekName) {
    Envelope envelope = envelopes.get(kekName);
    if (envelope != null) {
      envelope.invalidateCaches();
    }
  }

  /** Forgets everything derived from {@code kekName}, after it was destroyed. */
  public void keyDestroyed(String kekName) {
    knownKeys.remove(kekName);
    primaryWatch.forget(kekName);
    Envelope envelope = envelopes.remove(kekName);
    if (envelope != null) {
      envelope.invalidateCaches();
    }
    if (kekName.startsWith(TENANT_KEK_PREFIX)) {
      cache.invalidatePrefix(TENANTS + kekName.substring(TENANT_KEK_PREFIX.length()) + "/");
    }
  }

  /**
   * The room's single instance of {@code type}, made by {@code factory} on first use (such as the
   * room's API keys). Components that are {@link AutoCloseable} are closed first when the room
   * closes, while the backend is still open.
   */
  public <T> T component(Class<T> type, java.util.function.Supplier<? extends T> factory) {
    return type.cast(components.computeIfAbsent(type, k -> factory.get()));
  }

  /** Adds a listener for new CURRENT versions of {@code name}; returns what removes it. */
  public Runnable listen(String name, BiConsumer<String, SecretCache.Entry> listener) {
    listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.getOrDefault(name, new CopyOnWriteArrayList<>()).remove(listener);
  }

  private void announce(String name, SecretCache.Entry entry) {
    List<BiConsumer<String, SecretCache.Entry>> list = listeners.get(name);
    if (list != null) {
      list.forEach(l -> l.accept(name, entry));
    }
  }

  /** The KEK sealing secret {@code name}, or null if it is not a tenant secret. */
  public static String tenantKek(String name) {
    if (!name.startsWith(TENANTS)) {
      return null;
    }
    int end = name.indexOf('/', TENANTS.length());
    return end < 0 ? null : TENANT_KEK_PREFIX + name.substring(TENANTS.length(), end);
  }

  private static EncryptionContext context(String name) {
    return dev.strongroom.internal.envelope.ReservedContexts.of(CONTEXT_KEY, name);
  }

  /**
   * Records what happened to a lease. A failing recorder cannot refuse anything here (the event
   * already happened), so the failure is logged.
   */
  private void auditLease(LeaseEvent event) {
    boolean failed = event.type() == LeaseEvent.Type.FAILED;
    String detail =
        failed
            ? event.failure().map(f -> f.getClass().getSimpleName()).orElse("")
            : event.lease().id();
    audit.recordAfterTheFact(
        "lease." + event.type().name().toLowerCase(java.util.Locale.ROOT),
        event.path(),
        0,
        failed
            ? dev.strongroom.audit.AuditEvent.Outcome.ERROR
            : dev.strongroom.audit.AuditEvent.Outcome.OK,
        detail);
  }

  /**
   * Revokes every lease, stops the threads, wipes cached values, closes the backend and then the
   * audit sinks (last, so that the revocations are recorded).
   */
  @Override
  public void close() {
    for (Object component : components.values()) {
      if (component instanceof AutoCloseable) {
        try {
          ((AutoCloseable) component).close();
        } catch (Exception e) {
          LOG.warn("closing {} failed: {}", component, e.getClass().getName());
        }
      }
    }
    try {
      leases.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the lease manager failed: {}", e.getClass().getName());
    }
    cache.close();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    envelopes.values().forEach(Envelope::invalidateCaches);
    envelopes.clear();
    listeners.clear();
    try {
      backend.close();
    } finally {
      if (recorder instanceof AuditRecorder) {
        ((AuditRecorder) recorder).close();
      }
    }
  }

  private static ThreadFactory threads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "strongroom-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
