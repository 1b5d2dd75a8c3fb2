package dev.strongroom;

import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.room.AccessRecorder;
import dev.strongroom.internal.room.Names;
import dev.strongroom.internal.room.RoomCore;
import dev.strongroom.internal.room.SecretCache;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room: what services code against. It reads secrets from a backend through a cache that
 * refreshes them ahead of time and serves the last good value, for a bounded time, while the
 * backend fails; writes, lists, deletes and rotates them; encrypts data under the backend's KEKs;
 * and hands out {@linkplain #scoped scoped} and {@linkplain #tenant tenant} views of itself.
 *
 * <pre>{@code
 * try (Strongroom room = Strongroom.open("memory:")) {
 *   room.put("db/password", SecretValue.of(password));
 *   SecretValue current = room.secret("db/password");
 * }
 * }</pre>
 *
 * <p>Every access is checked against the view's policies and recorded before anything is handed
 * out; if recording fails the access is refused with {@link AccessDeniedException} (fail-closed).
 * Values returned are fresh copies the caller owns and may wipe.
 *
 * <p>Thread-safe: one room serves all threads of a service. Background work (refreshes, change
 * listeners, scheduled rotations) runs on the room's own daemon threads ({@code strongroom-N}), or,
 * for refreshes and listeners, on the executor given to the builder. {@link #close()} on the room
 * stops those threads, wipes cached values and closes the backend; closing a view does nothing.
 */
public final class Strongroom implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Strongroom.class);
  private static final Pattern BARE_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private record Scope(AccessPolicy policy, String namespace) {}

  private final RoomCore core;
  private final boolean root;
  private final String namespace;
  private final String kekName;
  private final List<Scope> scopes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Strongroom(
      RoomCore core, boolean root, String namespace, String kekName, List<Scope> scopes) {
    this.core = core;
    this.root = root;
    this.namespace = namespace;
    this.kekName = kekName;
    this.scopes = List.copyOf(scopes);
  }

  /**
   * Opens the backend {@code uri} names, found by scheme with {@link ServiceLoader} ({@code
   * memory:} is built in), with default settings.
   *
   * @throws IllegalArgumentException if the URI is malformed or no backend handles its scheme (the
   *     message never contains the URI's user-info)
   */
  public static Strongroom open(URI uri) {
    return builder().uri(uri).build();
  }

  /**
   * Same as {@link #open(URI)} for a URI in text form, such as {@code "memory:"}; a bare {@code
   * scheme:} means {@code scheme:default}.
   */
  public static Strongroom open(String uri) {
    return builder().uri(uri).build();
  }

  /** A builder: a backend or a URI, and optional settings. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- secrets

  /**
   * The CURRENT value of secret {@code name}, from the cache when it is fresh enough.
   *
   * @throws NotFoundException if the secret does not exist
   * @throws BackendUnavailableException if the backend fails and no cached value within the stale
   *     bound exists
   * @throws AccessDeniedException if the view may not read it or the access could not be recorded
   */
  public SecretValue secret(String name) {
    String full = full(name);
    authorize(Operation.READ, "read", full);
    SecretCache.Entry entry =
        run("read", full, () -> core.cache().get(full), e -> e.version().version(), e -> {});
    return copy(entry.value());
  }

  /**
   * The value {@code ref} names: CURRENT (cached), a version or a stage (read from the backend).
   */
  public SecretValue secret(SecretRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref.version() == 0 && ref.stage() == Stage.CURRENT) {
      return secret(ref.name());
    }
    String full = full(ref.name());
    authorize(Operation.READ, "read", full);
    ReadRequest request =
        ref.version() > 0
            ? ReadRequest.version(full, ref.version())
            : ReadRequest.stage(full, ref.stage());
    StoredSecret stored =
        run(
            "read",
            full,
            () ->
                core.readStore(request)
                    .orElseThrow(() -> new NotFoundException("no such secret version: " + ref)),
            s -> s.version().version(),
            s -> s.value().wipe());
    return stored.value();
  }

  /**
   * How long ago the backend last confirmed the cached CURRENT value of {@code name}; empty if it
   * is not cached. While the backend fails this grows until the stale bound, after which reads
   * fail.
   */
  public Optional<Duration> staleness(String name) {
    String full = full(name);
    authorize(Operation.READ, "staleness", full);
    return core.cache().staleness(full);
  }

  /** Writes {@code value} as the new CURRENT version of {@code name}; the caller keeps it. */
  public SecretVersion put(String name, SecretValue value) {
    return write(name, value, WriteRequest.ANY_VERSION);
  }

  /**
   * Writes {@code value} as the new CURRENT version of {@code name} if the latest version is still
   * {@code expectedVersion} (0: only if the secret does not exist yet).
   *
   * @throws dev.strongroom.exception.ConflictException if it is not
   */
  public SecretVersion put(String name, SecretValue value, long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException(
          "expected an expected version >= 0 but was " + expectedVersion);
    }
    return write(name, value, expectedVersion);
  }

  private SecretVersion write(String name, SecretValue value, long expected) {
    Objects.requireNonNull(value, "value");
    String full = full(name);
    authorize(Operation.WRITE, "write", full);
    SecretVersion version =
        run(
            "write",
            full,
            () -> {
              SecretVersion v = core.writeStore(full, value, Stage.CURRENT, expected);
              core.written(v, value);
              return v;
            },
            SecretVersion::version,
            v -> {});
    return relative(version);
  }

  /**
   * Names of live secrets starting with {@code prefix} that this view may list, sorted and relative
   * to the view.
   */
  public List<String> list(String prefix) {
    Names.checkPrefix(prefix);
    String fullPrefix = namespace + prefix;
    for (Scope scope : scopes) {
      if (!scope.policy().mentions(Operation.LIST)) {
        throw deny("list", fullPrefix, Operation.LIST);
      }
    }
    return run(
        "list",
        fullPrefix,
        () -> {
          List<String> names = new ArrayList<>();
          for (String full : core.store().list(fullPrefix)) {
            if (allowed(Operation.LIST, full)) {
              names.add(full.substring(namespace.length()));
            }
          }
          return List.copyOf(names);
        },
        l -> 0,
        l -> {});
  }

  /** The versions and stages of {@code name}, never its values. */
  public SecretMetadata metadata(String name) {
    String full = full(name);
    authorize(Operation.READ, "metadata", full);
    SecretMetadata meta =
        run(
            "metadata",
            full,
            () -> core.store().metadata(full),
            SecretMetadata::latestVersion,
            m -> {});
    List<SecretVersion> versions = new ArrayList<>();
    meta.versions().forEach(v -> versions.add(relative(v)));
    return new SecretMetadata(meta.name().substring(namespace.length()), versions, meta.deleted());
  }

  /** Soft-deletes {@code name}: hidden from reads and lists until {@link #undelete}. */
  public void delete(String name) {
    String full = full(name);
    authorize(Operation.DELETE, "delete", full);
    run(
        "delete",
        full,
        () -> {
          core.store().delete(full);
          core.cache().invalidate(full);
          return 0L;
        },
        v -> 0,
        v -> {});
  }

  /** Restores a soft-deleted secret. */
  public void undelete(String name) {
    String full = full(name);
    authorize(Operation.DELETE, "undelete", full);
    run(
        "undelete",
        full,
        () -> {
          core.store().undelete(full);
          return 0L;
        },
        v -> 0,
        v -> {});
  }

  /** Destroys the given versions of {@code name} for good, or the whole secret if none is given. */
  public void destroy(String name, long... versions) {
    Objects.requireNonNull(versions, "versions");
    String full = full(name);
    authorize(Operation.DELETE, "destroy", full);
    List<Long> list = new ArrayList<>();
    for (long v : versions) {
      list.add(v);
    }
    run(
        "destroy",
        full,
        () -> {
          core.store().destroy(full, list);
          core.cache().invalidate(full);
          return 0L;
        },
        v -> 0,
        v -> {});
  }

  /**
   * Calls {@code listener} whenever a refresh or a write through this room sees a new CURRENT
   * version of {@code name}. The room re-reads a watched secret about every {@code refreshAfter}
   * (see {@link Builder#refreshAfter}). Each delivery is recorded as a read; if recording fails the
   * listener is not called. Listeners run on the refresh executor (see {@link SecretListener}).
   *
   * @return what stops the watch
   */
  public Registration onChange(String name, SecretListener listener) {
    Objects.requireNonNull(listener, "listener");
    String full = full(name);
    authorize(Operation.READ, "watch", full);
    String relative = full.substring(namespace.length());
    Runnable remove = core.listen(full, (n, entry) -> deliver(relative, full, entry, listener));
    long period = Math.max(1, core.settings().refreshAfter().toMillis());
    ScheduledFuture<?> poll =
        core.scheduler()
            .scheduleWithFixedDelay(() -> poll(full), period, period, TimeUnit.MILLISECONDS);
    return () -> {
      poll.cancel(false);
      remove.run();
    };
  }

  private void poll(String full) {
    try {
      core.cache().get(full);
    } catch (StrongroomException | IllegalStateException e) {
      LOG.debug("watch of secret '{}' could not read it: {}", full, e.getClass().getSimpleName());
    }
  }

  private void deliver(String relative, String full, SecretCache.Entry entry, SecretListener l) {
    try {
      record("read", full, entry.version().version(), AccessRecorder.OK);
    } catch (AccessDeniedException e) {
      LOG.warn("change of secret '{}' not delivered: the access recorder failed", full);
      return;
    }
    try (SecretValue lent = copy(entry.value())) {
      l.changed(relative, entry.version().version(), lent);
    } catch (RuntimeException e) {
      LOG.warn(
          "listener for secret '{}' threw {}; other listeners still run",
          full,
          e.getClass().getName());
    }
  }

  // --------------------------------------------------------------- rotation

  /**
   * Rotates {@code name} in two phases: {@code rotator} makes a new value from the CURRENT one, the
   * room writes it as PENDING, the rotator applies and verifies it, and the room promotes it to
   * CURRENT (the old CURRENT becomes PREVIOUS). Listeners are told. If any step fails, CURRENT is
   * untouched and still served; the exception says which step failed and which versions are CURRENT
   * and PENDING (a {@link dev.strongroom.exception.ConflictException} if another writer won, a
   * {@link BackendUnavailableException} if the backend failed, a {@link StrongroomException}
   * otherwise, with the rotator's exception as the cause).
   *
   * @return the version that became CURRENT
   */
  public SecretVersion rotate(String name, SecretRotator rotator) {
    Objects.requireNonNull(rotator, "rotator");
    String full = full(name);
    authorize(Operation.ROTATE, "rotate", full);
    return relative(
        run("rotate", full, () -> core.rotate(full, rotator), SecretVersion::version, v -> {}));
  }

  /**
   * Rotates {@code name} with {@code rotator} every {@code period} on the room's scheduler thread,
   * first after one period. A failed rotation is logged (without values) and retried at the next
   * period.
   *
   * @return what cancels the schedule
   */
  public Registration scheduleRotation(String name, SecretRotator rotator, Duration period) {
    Objects.requireNonNull(rotator, "rotator");
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("expected a positive period but was " + period);
    }
    String full = full(name);
    authorize(Operation.ROTATE, "rotate", full);
    long millis = Math.max(1, period.toMillis());
    ScheduledFuture<?> task =
        core.scheduler()
            .scheduleWithFixedDelay(
                () -> {
                  try {
                    rotate(name, rotator);
                  } catch (StrongroomException | IllegalStateException e) {
                    LOG.warn("scheduled rotation of secret '{}' failed: {}", full, e.getMessage());
                  }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    return () -> task.cancel(false);
  }

  // ---------------------------------------------------------------- crypto

  /** Administration of the backend's key-encryption keys, through this view. */
  public Keys keys() {
    return new Keys(this);
  }

  /**
   * The envelope over this view's KEK ({@code default}, or the tenant's key in a tenant view),
   * created in the backend if missing. Messages encrypted with it directly are not recorded one by
   * one; prefer {@link #encrypt} and {@link #decrypt} where every call must be audited.
   */
  public Envelope envelope() {
    authorizeKey(Operation.ENCRYPT, "envelope", RoomCore.DEFAULT_KEK);
    authorizeKey(Operation.DECRYPT, "envelope", RoomCore.DEFAULT_KEK);
    return run("envelope", kekRecordName(), this::viewEnvelope, e -> 0, e -> {});
  }

  /** Encrypts {@code plaintext} under this view's KEK, binding {@code context}. */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    authorizeKey(Operation.ENCRYPT, "encrypt", RoomCore.DEFAULT_KEK);
    return run(
        "encrypt",
        kekRecordName(),
        () -> viewEnvelope().encrypt(plaintext, context),
        b -> 0,
        b -> {});
  }

  /**
   * Decrypts a ciphertext from {@link #encrypt} with the same context.
   *
   * @throws InvalidCiphertextException if it does not open
   */
  public byte[] decrypt(byte[] ciphertext, EncryptionContext context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    authorizeKey(Operation.DECRYPT, "decrypt", RoomCore.DEFAULT_KEK);
    return run(
        "decrypt",
        kekRecordName(),
        () -> viewEnvelope().decrypt(ciphertext, context),
        b -> 0,
        b -> Arrays.fill(b, (byte) 0));
  }

  /**
   * Moves the data keys of {@code ciphertexts} to the newest version of this view's KEK without
   * decrypting the data, reporting each result (and so the progress) to {@code listener}. Run it
   * after {@link Keys#rotate}, then retire old versions with {@link Keys#setMinDecryptionVersion}.
   */
  public RewrapSummary rewrapAll(Iterable<byte[]> ciphertexts, RewrapListener listener) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    Objects.requireNonNull(listener, "listener");
    authorizeKey(Operation.ROTATE, "rewrap", RoomCore.DEFAULT_KEK);
    return run(
        "rewrap",
        kekRecordName(),
        () -> {
          Envelope envelope = viewEnvelope();
          long index = 0;
          long ok = 0;
          long failed = 0;
          for (byte[] ciphertext : ciphertexts) {
            byte[] rewrapped;
            try {
              rewrapped = envelope.rewrap(ciphertext);
            } catch (InvalidCiphertextException | NotFoundException e) {
              failed++;
              listener.failed(index++, e);
              continue;
            }
            ok++;
            listener.rewrapped(index++, rewrapped);
          }
          return new RewrapSummary(ok, failed);
        },
        RewrapSummary::rewrapped,
        s -> {});
  }

  private Envelope viewEnvelope() {
    return kekName.equals(RoomCore.DEFAULT_KEK) ? core.defaultEnvelope() : core.envelope(kekName);
  }

  private String kekRecordName() {
    return "kek/" + kekName;
  }

  // ----------------------------------------------------------------- views

  /**
   * A view of this room limited to what {@code policy} allows (and to what this view allows).
   * Patterns are matched against names as this view sees them. Denied calls throw {@link
   * AccessDeniedException} and are recorded as {@code denied}.
   */
  public Strongroom scoped(AccessPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    List<Scope> more = new ArrayList<>(scopes);
    more.add(new Scope(policy, namespace));
    return new Strongroom(core, false, namespace, kekName, more);
  }

  /**
   * The view of tenant {@code tenantId}: its secrets live under {@code tenants/ID/} and are sealed
   * by the tenant's own KEK {@code tenant-ID} (created here if missing), which also encrypts the
   * view's data. Destroying that key ({@code room.keys().destroy("tenant-ID")} on the room) makes
   * every secret and ciphertext of the tenant unreadable for good (crypto-shredding).
   *
   * @param tenantId 1 to 63 characters of {@code a-z 0-9 _ -}, starting with a letter or digit
   */
  public Strongroom tenant(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    if (!TENANT_ID.matcher(tenantId).matches()) {
      throw new IllegalArgumentException(
          "expected a tenant id of [a-z0-9][a-z0-9_-]{0,62} but was '" + tenantId + "'");
    }
    if (!namespace.isEmpty()) {
      throw new IllegalStateException("expected a room or scoped view but this is a tenant view");
    }
    String kek = "tenant-" + tenantId;
    core.ensureKey(kek);
    return new Strongroom(core, false, RoomCore.TENANTS + tenantId + "/", kek, scopes);
  }

  /**
   * On the room: stops its threads, wipes cached values, closes the backend. On a view: nothing.
   */
  @Override
  public void close() {
    if (root && closed.compareAndSet(false, true)) {
      core.close();
    }
  }

  @Override
  public String toString() {
    return "Strongroom["
        + (root ? "room" : "view")
        + (namespace.isEmpty() ? "" : ", namespace=" + namespace)
        + (scopes.isEmpty() ? "" : ", scopes=" + scopes.size())
        + "]";
  }

  // ------------------------------------------------------------ internals

  /** Runs a key operation for {@link Keys}: checks, maps the name, records. */
  <T> T keyOperation(
      Operation operation,
      String opName,
      String keyName,
      Function<String, T> action,
      ToLongFunction<T> version) {
    Objects.requireNonNull(keyName, "keyName");
    authorizeKey(operation, opName, keyName);
    String backendName = backendKeyName(keyName, opName);
    return run(opName, "kek/" + backendName, () -> action.apply(backendName), version, v -> {});
  }

  RoomCore core() {
    return core;
  }

  private String backendKeyName(String keyName, String opName) {
    if (namespace.isEmpty()) {
      return keyName;
    }
    if (!keyName.equals(RoomCore.DEFAULT_KEK)) {
      throw deny(opName, "kek/" + keyName, null);
    }
    return kekName;
  }

  private String full(String name) {
    return Names.check(namespace + Names.check(name));
  }

  private boolean allowed(Operation op, String full) {
    for (Scope scope : scopes) {
      if (!scope.policy().allows(op, full.substring(scope.namespace().length()))) {
        return false;
      }
    }
    return true;
  }

  private void authorize(Operation op, String opName, String full) {
    if (!allowed(op, full)) {
      throw deny(opName, full, op);
    }
  }

  private void authorizeKey(Operation op, String opName, String keyName) {
    for (Scope scope : scopes) {
      if (!scope.policy().allows(op, "kek/" + keyName)) {
        throw deny(opName, "kek/" + keyName, op);
      }
    }
  }

  private AccessDeniedException deny(String opName, String name, Operation op) {
    AccessDeniedException denied =
        new AccessDeniedException(
            "principal '"
                + core.principal()
                + "' may not "
                + (op == null ? opName : op.name().toLowerCase(Locale.ROOT))
                + " '"
                + name
                + "' in this view");
    try {
      record(opName, name, 0, AccessRecorder.DENIED);
    } catch (AccessDeniedException e) {
      denied.addSuppressed(e);
    }
    return denied;
  }

  private void record(String opName, String name, long version, String outcome) {
    try {
      core.recorder().record(core.principal(), opName, name, version, outcome);
    } catch (RuntimeException e) {
      throw new AccessDeniedException(
          "access refused: the access recorder failed to record " + opName + " of '" + name + "'",
          e);
    }
  }

  private <T> T run(
      String opName,
      String name,
      Supplier<T> action,
      ToLongFunction<T> version,
      Consumer<T> discard) {
    T result;
    try {
      result = action.get();
    } catch (NotFoundException e) {
      recordFailure(opName, name, AccessRecorder.NOT_FOUND, e);
      throw e;
    } catch (RuntimeException e) {
      recordFailure(opName, name, AccessRecorder.ERROR, e);
      throw e;
    }
    try {
      record(opName, name, version.applyAsLong(result), AccessRecorder.OK);
    } catch (AccessDeniedException e) {
      discard.accept(result);
      throw e;
    }
    return result;
  }

  private void recordFailure(String opName, String name, String outcome, RuntimeException cause) {
    try {
      record(opName, name, 0, outcome);
    } catch (AccessDeniedException denied) {
      denied.addSuppressed(cause);
      throw denied;
    }
  }

  private SecretVersion relative(SecretVersion v) {
    if (namespace.isEmpty()) {
      return v;
    }
    return new SecretVersion(
        v.name().substring(namespace.length()),
        v.version(),
        v.created(),
        v.stages(),
        v.destroyed());
  }

  private static SecretValue copy(SecretValue value) {
    byte[] bytes = value.copyBytes();
    try {
      return SecretValue.of(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  static URI parseUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      if (BARE_SCHEME.matcher(uri).matches()) {
        return new URI(uri + "default"); // java.net.URI rejects a bare "memory:"
      }
      return new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "expected a backend URI such as memory: or vault://host:8200 but it was malformed ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + ")");
    }
  }

  static Backend openBackend(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException(
          "expected a backend URI with a scheme such as memory: or file: but it had none");
    }
    TreeSet<String> known = new TreeSet<>();
    for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
      known.add(provider.scheme());
      if (provider.scheme().equalsIgnoreCase(scheme)) {
        try {
          return provider.open(uri);
        } catch (IllegalArgumentException e) {
          throw redacted(e, uri);
        }
      }
    }
    throw new IllegalArgumentException(
        "expected a backend URI scheme in " + known + " but was '" + scheme + "'");
  }

  private static IllegalArgumentException redacted(IllegalArgumentException e, URI uri) {
    String message = String.valueOf(e.getMessage());
    String raw = uri.getRawUserInfo();
    String decoded = uri.getUserInfo();
    if (raw == null
        || (!message.contains(raw) && (decoded == null || !message.contains(decoded)))) {
      return e;
    }
    message = message.replace(raw, "***");
    if (decoded != null) {
      message = message.replace(decoded, "***");
    }
    return new IllegalArgumentException(message); // no cause: it repeats the credential
  }

  /** What {@link #onChange} and {@link #scheduleRotation} return. Thread-safe. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    /** Stops the watch or schedule; idempotent. */
    @Override
    void close();
  }

  /**
   * Builds a {@link Strongroom}. Exactly one of {@link #backend} and {@link #uri} is required. Not
   * thread-safe; the room it builds is.
   */
  public static final class Builder {
    private Backend backend;
    private URI uri;
    private Clock clock = Clock.systemUTC();
    private Duration refreshAfter = Duration.ofMinutes(1);
    private Duration maxStaleness = Duration.ofMinutes(15);
    private long maximumSize = 10_000;
    private Executor executor;
    private String principal = "anonymous";
    private AccessRecorder recorder = AccessRecorder.NOOP;

    private Builder() {}

    /** The backend; the room takes ownership and closes it. */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** The backend URI, opened through {@link ServiceLoader} when the room is built. */
    public Builder uri(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** Same as {@link #uri(URI)} for a URI in text form. */
    public Builder uri(String uri) {
      return uri(parseUri(uri));
    }

    /** The clock that ages cached values; the system clock if not set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How old a cached value gets before it is refreshed in the background; 1 minute default. */
    public Builder refreshAfter(Duration refreshAfter) {
      this.refreshAfter = positive(refreshAfter, "refreshAfter");
      return this;
    }

    /**
     * How old a cached value may be (since the backend last confirmed it) and still be served while
     * the backend fails; 15 minutes default. Must not be below {@link #refreshAfter}.
     */
    public Builder maxStaleness(Duration maxStaleness) {
      this.maxStaleness = positive(maxStaleness, "maxStaleness");
      return this;
    }

    /** How many secrets the cache holds at most; 10,000 default. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("expected a maximum size >= 1 but was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Where background refreshes and change listeners run; the room's own daemon threads if not
     * set. Tests pass {@code Runnable::run} to refresh on the reading thread.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Who the room acts for, in access records; {@code anonymous} if not set. */
    public Builder principal(String principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
      return this;
    }

    /**
     * The hook told of every access (the audit module's entry point; the type is internal and may
     * change). Fail-closed: if it throws, the access is refused.
     */
    public Builder recorder(AccessRecorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /**
     * Builds the room, opening the backend if a URI was given.
     *
     * @throws IllegalStateException if neither or both of a backend and a URI were set, or
     *     maxStaleness is below refreshAfter
     */
    public Strongroom build() {
      if ((backend == null) == (uri == null)) {
        throw new IllegalStateException(
            "expected exactly one of backend(...) and uri(...) but "
                + (backend == null ? "neither was" : "both were")
                + " set");
      }
      if (maxStaleness.compareTo(refreshAfter) < 0) {
        throw new IllegalStateException(
            "expected maxStaleness >= refreshAfter but was " + maxStaleness + " < " + refreshAfter);
      }
      Backend opened = backend != null ? backend : openBackend(uri);
      RoomCore core =
          RoomCore.create(
              new RoomCore.Settings(
                  opened,
                  clock,
                  refreshAfter,
                  maxStaleness,
                  maximumSize,
                  executor,
                  principal,
                  recorder));
      return new Strongroom(core, true, "", RoomCore.DEFAULT_KEK, List.of());
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
      }
      return d;
    }
  }
}
