package dev.strongroom;

import dev.strongroom.AccessPolicy.Resource;
import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.apikey.ApiKeys;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.env.EnvFile;
import dev.strongroom.env.EnvReferences;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.envelope.Envelope;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.internal.apikey.ApiKeyService;
import dev.strongroom.internal.room.AuditRecorder;
import dev.strongroom.internal.room.AuditTrail;
import dev.strongroom.internal.room.Backends;
import dev.strongroom.internal.room.CheckoutPolicy;
import dev.strongroom.internal.room.CheckoutService;
import dev.strongroom.internal.room.Crypto;
import dev.strongroom.internal.room.EnvImport;
import dev.strongroom.internal.room.Guard;
import dev.strongroom.internal.room.KeyNames;
import dev.strongroom.internal.room.Leases;
import dev.strongroom.internal.room.Names;
import dev.strongroom.internal.room.Reserved;
import dev.strongroom.internal.room.RoomCore;
import dev.strongroom.internal.room.SecretCache;
import dev.strongroom.internal.room.Target;
import dev.strongroom.lease.Checkouts;
import dev.strongroom.lease.LeaseListener;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
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
 * <p><b>One guard.</b> Every operation first resolves what it touches into its final namespace (a
 * tenant view's secret {@code db/x} is {@code tenants/ID/db/x}; its key {@code default} is {@code
 * tenants/ID/default}) and then asks one check, {@code (principal, operation, resource)}, against
 * the policies of every {@link #scoped} step; secrets, keys, lease paths, tenants and API keys are
 * distinct {@linkplain AccessPolicy.Resource resource types}. {@link #tenant} is itself checked.
 *
 * <p><b>Reserved namespaces.</b> What the library stores for itself lives under the prefixes {@code
 * apikeys/} (API-key records and pepper) and {@code .strongroom/} (audit checkpoints and other
 * library records). The secret API never reaches them, whatever a policy says and on the room
 * itself: reads, lists, writes, PENDING writes, rotations, deletions and destructions are refused
 * with {@link AccessDeniedException}, and listings leave them out.
 *
 * <p><b>No implicit keys.</b> No operation creates a key-encryption key: only {@link Keys#create}
 * does (and a store's own initialisation, such as {@code strongroom init}; a {@code memory:}
 * backend starts with the key {@code default}). Using a missing or destroyed key is a {@link
 * NotFoundException} saying how to create it; a destroyed tenant key stays destroyed.
 *
 * <p><b>Audit.</b> Every access is recorded in the {@linkplain Builder#audit audit sinks} (who,
 * what, which version, outcome; never a value) before anything is handed out. Auditing is
 * fail-closed for every operation: if a sink throws, the access is refused with {@link
 * AccessDeniedException} and a value already read is wiped (a lease revoked, a stream closed), not
 * returned. Changes (writes, rotations, deletions, key changes, leases) are recorded twice: an
 * {@code INTENT} event before the backend is touched, so that nothing changes unless the sink can
 * record it, and the outcome after. Values returned are fresh copies the caller owns and may wipe.
 *
 * <p>Thread-safe: one room serves all threads of a service. Background work (refreshes, change
 * listeners, scheduled rotations) runs on the room's own daemon threads ({@code strongroom-N}), or,
 * for refreshes and listeners, on the executor given to the builder; lease renewals and lease
 * listeners run on the lease thread ({@code strongroom-lease}, see {@link LeaseListener}). {@link
 * #close()} on the room revokes its leases, stops those threads, wipes cached values, closes the
 * backend and then the audit sinks; closing a view does nothing.
 */
public final class Strongroom implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Strongroom.class);

  private final RoomCore core;
  private final boolean root;
  private final String namespace;
  private final @Nullable String tenantId;
  private final Guard guard;
  private final AuditTrail audit;
  private final ApiKeyPolicy apiKeyPolicy;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** How many names {@link #readable} remembers per view (a power of two). */
  private static final int READABLE_NAMES = 32;

  /** See {@link #readable}: made on the first read, slots written racily (immutable records). */
  private ReadableName @Nullable [] readableNames;

  private Strongroom(
      RoomCore core,
      boolean root,
      String namespace,
      @Nullable String tenantId,
      Guard guard,
      ApiKeyPolicy apiKeyPolicy) {
    this.core = core;
    this.root = root;
    this.namespace = namespace;
    this.tenantId = tenantId;
    this.guard = guard;
    this.audit = core.audit();
    this.apiKeyPolicy = apiKeyPolicy;
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
    String full = readable(name);
    guard.checkValue("read", full); // not memoised: the check-out-only set changes
    return copy(audit.readCached(core.cache(), full).value());
  }

  /**
   * {@code name} resolved into this view's namespace ({@link #full}) and allowed to be read by the
   * guard, remembered per view for the read path. Exact without invalidation: the answer depends
   * only on the name, the view's namespace and its guard, all immutable ({@link AccessPolicy} is
   * immutable; a narrower policy is a new view with its own memo). Only allowed names are kept, so
   * a refused read is checked, and its denial audited, every time.
   */
  private String readable(String name) {
    Objects.requireNonNull(name, "name");
    ReadableName[] memo = readableNames;
    if (memo == null) {
      memo = new ReadableName[READABLE_NAMES];
      readableNames = memo; // racy on purpose: a lost array only costs a re-check
    }
    int slot = name.hashCode() & (READABLE_NAMES - 1);
    ReadableName known = memo[slot];
    if (known != null && known.name().equals(name)) {
      return known.full();
    }
    String full = full(name);
    guard.checkSecret(Operation.READ, "read", full);
    memo[slot] = new ReadableName(name, full);
    return full;
  }

  /** A name as given to {@link #secret(String)} and as checked and stored; immutable. */
  private record ReadableName(String name, String full) {}

  /**
   * Field {@code field} of the CURRENT value of secret {@code name}: a secret with named fields (a
   * KV v2 secret's data fields, a JSON object in an AWS {@code SecretString}, or any value that is
   * a JSON object). A string field is returned as its UTF-8 bytes, any other JSON member as its
   * JSON text. The whole secret is read (and audited) as by {@link #secret(String)}.
   *
   * @throws NotFoundException if the secret does not exist, or has no such field (the message names
   *     the fields it has, never a value)
   * @throws IllegalArgumentException if the secret is a single value, not a set of fields
   */
  public SecretValue secret(String name, String field) {
    SecretRef.checkField(field);
    try (SecretValue value = secret(name)) {
      return fieldOf(name, value, field);
    }
  }

  private static SecretValue fieldOf(String name, SecretValue value, String field) {
    return dev.strongroom.internal.room.Fields.field(name, value, field)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "expected secret '"
                        + name
                        + "' to have named fields (a JSON object) but it is a single value;"
                        + " read it without a field"));
  }

  /**
   * The value {@code ref} names: CURRENT (cached), a version or a stage (read from the backend);
   * with a {@linkplain SecretRef#field() field}, that field of it (see {@link #secret(String,
   * String)}).
   */
  public SecretValue secret(SecretRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref.field().isPresent()) {
      String field = ref.field().get();
      SecretRef whole =
          ref.version() > 0
              ? SecretRef.ofVersion(ref.name(), ref.version())
              : SecretRef.ofStage(ref.name(), ref.stage());
      try (SecretValue value = secret(whole)) {
        return fieldOf(ref.name(), value, field);
      }
    }
    if (ref.version() == 0 && ref.stage() == Stage.CURRENT) {
      return secret(ref.name());
    }
    String full = secretAllowed(Operation.READ, "read", ref.name());
    guard.checkValue("read", full);
    ReadRequest request =
        ref.version() > 0
            ? ReadRequest.version(full, ref.version())
            : ReadRequest.stage(full, ref.stage());
    StoredSecret stored =
        audit.access(
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
    String full = secretAllowed(Operation.READ, "staleness", name);
    return core.cache().staleness(full);
  }

  /** Writes {@code value} as the new CURRENT version of {@code name}; the caller keeps it. */
  public SecretVersion put(String name, SecretValue value) {
    return write(name, value, Stage.CURRENT, WriteRequest.ANY_VERSION);
  }

  /**
   * Writes a secret with named fields as the new CURRENT version of {@code name}, stored in the
   * backend's native shape: KV v2 data fields on Vault (so {@code bao kv get -field=password} reads
   * one), a JSON object in {@code SecretString} on AWS; the file and memory stores keep the JSON
   * object. {@link #secret(String)} returns the JSON object, {@link #secret(String, String)} one
   * field. The caller keeps the values.
   *
   * @param fields at least one field; names as {@link SecretRef#checkField}, values UTF-8 text
   * @throws IllegalArgumentException if a field name is invalid or a value is not UTF-8 text
   */
  public SecretVersion put(String name, Map<String, SecretValue> fields) {
    return put(name, fields, WriteRequest.ANY_VERSION);
  }

  /**
   * As {@link #put(String, Map)} if the latest version is still {@code expectedVersion} (0: only if
   * the secret does not exist yet).
   */
  public SecretVersion put(String name, Map<String, SecretValue> fields, long expectedVersion) {
    Objects.requireNonNull(fields, "fields");
    long expected =
        expectedVersion == WriteRequest.ANY_VERSION
            ? WriteRequest.ANY_VERSION
            : expected(expectedVersion);
    try (SecretValue json = dev.strongroom.internal.room.Fields.toJson(fields)) {
      return write(name, json, Stage.CURRENT, expected, true);
    }
  }

  /**
   * Writes {@code value} as the new CURRENT version of {@code name} if the latest version is still
   * {@code expectedVersion} (0: only if the secret does not exist yet).
   *
   * @throws dev.strongroom.exception.ConflictException if it is not
   */
  public SecretVersion put(String name, SecretValue value, long expectedVersion) {
    return write(name, value, Stage.CURRENT, expected(expectedVersion));
  }

  /**
   * Writes {@code value} as a new PENDING version of {@code name}: CURRENT stays and is still
   * served; a later {@link #rotate} or an operator promotes it. Checked, sealed for a tenant and
   * audited exactly like {@link #put(String, SecretValue)} (as {@link Operation#WRITE}).
   */
  public SecretVersion putPending(String name, SecretValue value) {
    return write(name, value, Stage.PENDING, WriteRequest.ANY_VERSION);
  }

  /**
   * As {@link #putPending(String, SecretValue)} if the latest version is {@code expectedVersion}.
   */
  public SecretVersion putPending(String name, SecretValue value, long expectedVersion) {
    return write(name, value, Stage.PENDING, expected(expectedVersion));
  }

  private static long expected(long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException(
          "expected an expected version >= 0 but was " + expectedVersion);
    }
    return expectedVersion;
  }

  private SecretVersion write(String name, SecretValue value, Stage stage, long expected) {
    return write(name, value, stage, expected, false);
  }

  private SecretVersion write(
      String name, SecretValue value, Stage stage, long expected, boolean fields) {
    Objects.requireNonNull(value, "value");
    String full = secretAllowed(Operation.WRITE, "write", name);
    return relative(
        audit.change(
            "write",
            full,
            () -> {
              SecretVersion v = core.writeStore(full, value, stage, expected, fields);
              if (stage == Stage.CURRENT) {
                core.written(v, value);
              }
              return v;
            },
            SecretVersion::version,
            v -> {}));
  }

  /**
   * Names of live secrets starting with {@code prefix} that this view may list, sorted and relative
   * to the view; every name returned reads back. Reserved names are never listed, nor names a
   * native writer stored outside the name alphabet (see {@link #listUnreadable}; they are logged,
   * escaped, instead).
   */
  public List<String> list(String prefix) {
    List<String> names = new ArrayList<>();
    listing(prefix, (full, reason) -> names.add(full.substring(namespace.length())), null);
    return List.copyOf(names);
  }

  /**
   * The names under {@code prefix} that a native tool stored but the room cannot read, each with
   * why: names outside the one name alphabet ({@code A-Za-z0-9/_+=.@-}, in {@code /}-separated
   * segments), such as {@code ünï} or {@code has space}, which {@link #list} leaves out. Keys are
   * relative to the view, with control and bidirectional formatting characters escaped as a
   * backslash, {@code u} and four hex digits; sorted. Checked and audited as {@link
   * Operation#LIST}, like {@link #list}.
   */
  public Map<String, String> listUnreadable(String prefix) {
    Map<String, String> unreadable = new java.util.TreeMap<>();
    listing(
        prefix,
        null,
        (full, reason) ->
            unreadable.put(Names.escaped(full.substring(namespace.length())), reason));
    return java.util.Collections.unmodifiableMap(unreadable);
  }

  private void listing(
      String prefix,
      java.util.function.@Nullable BiConsumer<String, @Nullable String> readable,
      java.util.function.@Nullable BiConsumer<String, String> unreadable) {
    String fullPrefix = namespace + Names.checkPrefix(prefix);
    if (!guard.policies().stream().allMatch(p -> p.mentions(Resource.SECRET, Operation.LIST))
        || Reserved.coversOnlyReserved(fullPrefix)) {
      throw guard.deny(Operation.LIST, "list", Target.secret(fullPrefix));
    }
    audit.access(
        "list",
        fullPrefix,
        () -> {
          for (String full : core.store().list(fullPrefix)) {
            String reason = Names.unreadableReason(full);
            if (reason != null) {
              // a native writer stored a name the room refuses (unicode, a space, a newline)
              if (unreadable == null) {
                LOG.warn(
                    "list skips the unreadable secret name '{}': {}", Names.escaped(full), reason);
              } else if (!Reserved.isReserved(full)
                  && guard.allows(Operation.LIST, Target.secret(full))) {
                unreadable.accept(full, reason);
              }
            } else if (readable != null && guard.allows(Operation.LIST, Target.secret(full))) {
              readable.accept(full, null);
            }
          }
          return Boolean.TRUE;
        });
  }

  /** The versions and stages of {@code name}, never its values. */
  public SecretMetadata metadata(String name) {
    String full = secretAllowed(Operation.READ, "metadata", name);
    SecretMetadata meta =
        audit.access(
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
    String full = secretAllowed(Operation.DELETE, "delete", name);
    audit.change(
        "delete",
        full,
        () -> {
          core.store().delete(full);
          core.cache().invalidate(full);
        });
  }

  /** Restores a soft-deleted secret. */
  public void undelete(String name) {
    String full = secretAllowed(Operation.DELETE, "undelete", name);
    audit.change("undelete", full, () -> core.store().undelete(full));
  }

  /** Destroys the given versions of {@code name} for good, or the whole secret if none is given. */
  public void destroy(String name, long... versions) {
    Objects.requireNonNull(versions, "versions");
    String full = secretAllowed(Operation.DELETE, "destroy", name);
    List<Long> list = new ArrayList<>();
    for (long v : versions) {
      list.add(v);
    }
    audit.change(
        "destroy",
        full,
        () -> {
          core.store()
              .destroy(
                  list.isEmpty() ? DestroyRequest.all(full) : DestroyRequest.versions(full, list));
          core.cache().invalidate(full);
        });
  }

  /**
   * Calls {@code listener} whenever a refresh or a write through this room sees a new CURRENT
   * version of {@code name}. The room re-reads a watched secret about every {@code refreshAfter}
   * (see {@link Builder#refreshAfter}). Each delivery is recorded as a read; if recording fails the
   * listener is not called. Listeners run on the refresh executor (see {@link SecretListener}).
   *
   * <p>Order: the listener gets versions above the one CURRENT in the backend when it registers (a
   * listener registered before the first write gets version 1), strictly increasing, never an older
   * one after a newer one; every version written through this room, each with its own value; and,
   * after a refresh, the latest written elsewhere (versions written and replaced elsewhere between
   * two refreshes are not seen). Registering reads the backend once.
   *
   * @return what stops the watch
   */
  public Registration onChange(String name, SecretListener listener) {
    Objects.requireNonNull(listener, "listener");
    String full = secretAllowed(Operation.READ, "watch", name);
    guard.checkValue("watch", full);
    String relative = full.substring(namespace.length());
    // Versions at or below the one CURRENT in the backend now are never delivered, so the listener
    // never gets an older version after a newer one (0 if the secret does not exist yet: it gets
    // version 1). Deliveries to one listener are serialized and strictly increasing.
    AtomicLong delivered = new AtomicLong(currentVersion(full));
    Runnable remove =
        core.listen(
            full,
            (n, entry) -> {
              synchronized (delivered) {
                long version = entry.version().version();
                if (version > delivered.get()) {
                  delivered.set(version);
                  deliver(relative, full, entry, listener);
                }
              }
            });
    long period = Math.max(1, core.settings().refreshAfter().toMillis());
    ScheduledFuture<?> poll =
        core.scheduler()
            .scheduleWithFixedDelay(() -> poll(full), period, period, TimeUnit.MILLISECONDS);
    return () -> {
      poll.cancel(false);
      remove.run();
    };
  }

  /** The backend's CURRENT version of {@code full}, 0 if none; the cache's if the backend fails. */
  private long currentVersion(String full) {
    try {
      return core.readStore(dev.strongroom.spi.ReadRequest.current(full))
          .map(
              stored -> {
                stored.value().wipe();
                return stored.version().version();
              })
          .orElse(0L);
    } catch (StrongroomException e) {
      LOG.debug("watch of secret '{}': current version unknown: {}", full, e.getClass().getName());
      return 0;
    }
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
      audit.record("read", full, entry.version().version(), Outcome.OK, "change listener");
    } catch (AccessDeniedException e) {
      LOG.warn("change of secret '{}' not delivered: the audit sink failed", full);
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
    String full = secretAllowed(Operation.ROTATE, "rotate", name);
    return relative(
        audit.change(
            "rotate", full, () -> core.rotate(full, rotator), SecretVersion::version, v -> {}));
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
    String full = secretAllowed(Operation.ROTATE, "rotate", name);
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
   * The envelope over this view's KEK ({@code default}, or the tenant's key in a tenant view).
   * Messages encrypted with it directly are not recorded one by one; prefer {@link #encrypt} and
   * {@link #decrypt} (or the streams) where every call must be audited.
   *
   * @throws NotFoundException if the key does not exist (it is never created here)
   */
  public Envelope envelope() {
    KeyNames.Resolved key = viewKey();
    guard.check(Operation.ENCRYPT, "envelope", key.target());
    guard.check(Operation.DECRYPT, "envelope", key.target());
    return Crypto.of(core).envelope(key.stored(), key.target().auditName());
  }

  /** Encrypts {@code plaintext} under this view's KEK, binding {@code context}. */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    KeyNames.Resolved key = keyAllowed(Operation.ENCRYPT, "encrypt");
    return Crypto.of(core).encrypt(key.stored(), key.target().auditName(), plaintext, context);
  }

  /**
   * Decrypts a ciphertext from {@link #encrypt} with the same context.
   *
   * @throws InvalidCiphertextException if it does not open
   */
  public byte[] decrypt(byte[] ciphertext, EncryptionContext context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    KeyNames.Resolved key = keyAllowed(Operation.DECRYPT, "decrypt");
    return Crypto.of(core).decrypt(key.stored(), key.target().auditName(), ciphertext, context);
  }

  /**
   * A stream that encrypts what is written to it into {@code sink} under this view's KEK (see
   * {@link Envelope#encryptingStream}); checked as {@link Operation#ENCRYPT} and recorded as {@code
   * encrypt} when it is opened.
   */
  public OutputStream encryptingStream(OutputStream sink, EncryptionContext context)
      throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(context, "context");
    KeyNames.Resolved key = keyAllowed(Operation.ENCRYPT, "encrypt");
    return Crypto.of(core).encryptingStream(key.stored(), key.target().auditName(), sink, context);
  }

  /**
   * A stream of the plaintext of {@code source} (see {@link Envelope#decryptingStream}); checked as
   * {@link Operation#DECRYPT} and recorded as {@code decrypt} once its header opened.
   */
  public InputStream decryptingStream(InputStream source, EncryptionContext context)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(context, "context");
    KeyNames.Resolved key = keyAllowed(Operation.DECRYPT, "decrypt");
    return Crypto.of(core)
        .decryptingStream(key.stored(), key.target().auditName(), source, context);
  }

  /**
   * Moves the data keys of {@code ciphertexts} to the newest version of this view's KEK without
   * decrypting the data, reporting each result (and so the progress) to {@code listener}. Run it
   * after {@link Keys#rotate}, then retire old versions with {@link Keys#setMinDecryptionVersion}.
   */
  public RewrapSummary rewrapAll(Iterable<byte[]> ciphertexts, RewrapListener listener) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    Objects.requireNonNull(listener, "listener");
    KeyNames.Resolved key = keyAllowed(Operation.ROTATE, "rewrap");
    return Crypto.of(core).rewrapAll(key.stored(), key.target().auditName(), ciphertexts, listener);
  }

  // -------------------------------------------------------------- api keys

  /**
   * The room's API keys (one instance per room), configured by {@link Builder#apiKeys}: issue,
   * verify, renew, rotate, revoke and review keys for the service's own clients. They are stored
   * under the reserved prefix {@code apikeys/} of the backend, which the secret API never reaches;
   * operations are audited through the room's sinks as {@code apikey.*}.
   *
   * @throws IllegalStateException on a scoped or tenant view: API keys are managed on the room
   */
  public ApiKeys apiKeys() {
    if (!root) {
      throw new IllegalStateException(
          "expected the room but this is a view; API keys are managed on the room");
    }
    guard.check(Operation.WRITE, "apikeys", Target.apiKeys());
    return core.component(ApiKeyService.class, () -> ApiKeyService.create(core, apiKeyPolicy));
  }

  // ---------------------------------------------------------------- leases

  /**
   * The room's persisted check-out leases (one instance per room), on any backend: see {@link
   * Checkouts}.
   *
   * @throws IllegalStateException on a scoped or tenant view: check-outs are managed on the room
   */
  public Checkouts checkouts() {
    if (!root) {
      throw new IllegalStateException(
          "expected the room but this is a view; check-outs are managed on the room");
    }
    return core.component(CheckoutService.class, () -> CheckoutService.of(core));
  }

  /**
   * Acquires dynamic credentials at {@code path} from the backend's lease provider (for Vault, e.g.
   * {@code database/creds/app}). The room renews the lease, replaces the credential before its
   * maximum TTL or when renewal is refused, and revokes it when the room closes; read its fields
   * each time they are needed (see {@link LeasedCredential}), they are refused after the lease's
   * end. Checked as {@link Operation#LEASE} on the lease path ({@link AccessPolicy.Resource#LEASE})
   * and audited as {@code lease} (an intent before the backend is asked, then the outcome; a lease
   * that cannot be recorded is revoked, not returned); renewals, rotations, expiry and revocation
   * are audited as {@code lease.renewed} and so on.
   *
   * @throws NotFoundException if the backend issues no dynamic credentials (use {@link
   *     #leaseSecret} for a static secret)
   * @throws IllegalStateException on a tenant view (dynamic credentials are not per tenant), or if
   *     the room is closed
   */
  public LeasedCredential lease(String path) {
    path = Names.check(path);
    if (tenantId != null) {
      throw new IllegalStateException(
          "expected a room or scoped view but this is a tenant view; lease dynamic credentials"
              + " through the room");
    }
    guard.check(Operation.LEASE, "lease", Target.lease(path));
    return Leases.of(core).lease(path);
  }

  /**
   * Just-in-time access to a static secret: a lease the room issues itself on a copy of the CURRENT
   * value of {@code name}, on any backend. The lease lasts {@code ttl}, is renewed up to {@code
   * maxTtl}, and then ends: the copy is wiped and {@link LeasedCredential#field} refuses it (its
   * single field is {@code "value"}). {@link LeasedCredential#revoke()} ends it early; closing the
   * room revokes it. The credential's path is the secret's full name. Checked as {@link
   * Operation#LEASE} on the secret (LEASE alone grants the time-bounded value) and audited as
   * {@code lease} with the version leased.
   *
   * @throws IllegalArgumentException unless {@code 0 < ttl <= maxTtl}
   * @throws NotFoundException if the secret does not exist
   */
  public LeasedCredential leaseSecret(String name, Duration ttl, Duration maxTtl) {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    if (ttl.isNegative() || ttl.isZero() || maxTtl.compareTo(ttl) < 0) {
      throw new IllegalArgumentException(
          "expected 0 < ttl <= maxTtl but were ttl=" + ttl + ", maxTtl=" + maxTtl);
    }
    String full = secretAllowed(Operation.LEASE, "lease", name);
    guard.checkValue("lease", full);
    return Leases.of(core).leaseSecret(full, ttl, maxTtl);
  }

  /**
   * Calls {@code listener} for every event (renewed, rotated, expired, revoked, failed) of the
   * room's leases that this view may see: leases on secrets or lease paths its scopes allow {@link
   * Operation#LEASE} on, within its namespace. Listeners run on the lease thread (see {@link
   * LeaseListener}).
   *
   * @return what stops the delivery
   */
  public Registration onLeaseEvent(LeaseListener listener) {
    Objects.requireNonNull(listener, "listener");
    LeaseListener visible =
        event -> {
          String path = event.path();
          if (path.startsWith(namespace)
              && (guard.allows(Operation.LEASE, Target.secret(path))
                  || tenantId == null && guard.allows(Operation.LEASE, Target.lease(path)))) {
            listener.onEvent(event);
          }
        };
    core.leases().addListener(visible);
    return () -> core.leases().removeListener(visible);
  }

  // ------------------------------------------------------------ env migration

  /**
   * Resolves the {@code strongroom:} references ({@code strongroom:NAME}, {@code ?version=N},
   * {@code ?stage=S}) held by this process's environment variables and system properties (a
   * property wins over a variable of the same name) through this view, so that {@code
   * DB_PASSWORD=strongroom:db/password} replaces a hardcoded password. Each lookup is checked and
   * audited as a {@code read}. Variables that are not references are ignored.
   *
   * @return the secrets by variable name, in name order; the caller owns and may wipe them
   * @throws IllegalArgumentException if a value starts with {@code strongroom:} but is malformed
   * @throws NotFoundException if a referenced secret does not exist (values resolved so far are
   *     wiped)
   */
  public Map<String, SecretValue> resolveEnvironment() {
    return EnvReferences.resolveSystem(reference -> secret(SecretRef.parse(reference)));
  }

  /** Same as {@link #importEnv(Path, String)} with no prefix. */
  public List<SecretVersion> importEnv(Path envFile) {
    return importEnv(envFile, "");
  }

  /**
   * Imports an env file ({@code KEY=value} lines; syntax in {@link EnvFile}) into this view: each
   * entry becomes the new CURRENT version of a secret named {@code prefix} + the key in lower case
   * with {@code _} as the path separator: {@code DB_PASSWORD} becomes {@code db/password}, {@code
   * STRIPE__API_KEY} becomes {@code stripe/api/key} (runs of {@code _} count once, leading and
   * trailing ones are dropped). Every name is checked, for collisions and against the view's scopes
   * ({@link Operation#WRITE}), before anything is written; each write is audited. If the backend
   * fails mid-way, the entries written before it stay written.
   *
   * @param prefix empty, or a name prefix ending with {@code /} such as {@code legacy/}
   * @return the versions written, in file order
   * @throws IllegalArgumentException if a key maps to an invalid name or two keys map to the same
   *     name (messages name keys and lines, never values)
   * @throws NotFoundException if the file does not exist
   */
  public List<SecretVersion> importEnv(Path envFile, String prefix) {
    return importEnv(envFile, prefix, ProgressListener.NONE);
  }

  /**
   * As {@link #importEnv(Path, String)}, telling {@code listener} after each secret written (of all
   * the file's entries).
   */
  public List<SecretVersion> importEnv(Path envFile, String prefix, ProgressListener listener) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(envFile, "envFile");
    Objects.requireNonNull(prefix, "prefix");
    EnvImport.checkPrefix(prefix);
    EnvFile env = EnvFile.parse(envFile);
    try {
      Map<String, EnvFile.Entry> byName = EnvImport.plan(env, prefix, this::full);
      for (String name : byName.keySet()) {
        secretAllowed(Operation.WRITE, "write", name);
      }
      List<SecretVersion> written = new ArrayList<>();
      listener.progress(0, byName.size());
      byName.forEach(
          (name, entry) -> {
            written.add(put(name, entry.value()));
            listener.progress(written.size(), byName.size());
          });
      return List.copyOf(written);
    } finally {
      env.wipe();
    }
  }

  // ----------------------------------------------------------------- views

  /**
   * A view of this room limited to what {@code policy} allows (and to what this view allows).
   * Patterns are matched against names as this view sees them. Denied calls throw {@link
   * AccessDeniedException} and are recorded as {@code denied}.
   */
  public Strongroom scoped(AccessPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new Strongroom(
        core, false, namespace, tenantId, guard.narrowed(policy, namespace), apiKeyPolicy);
  }

  /**
   * The view of tenant {@code tenantId}: its secrets live under {@code tenants/ID/} and are sealed
   * by the tenant's own KEK (its {@code default}: {@code tenants/ID/default} to the room's
   * policies, stored as {@code tenant-ID}), which also encrypts the view's data. Opening the view
   * is checked as {@link Operation#READ} on the {@linkplain AccessPolicy.Resource#TENANT tenant}
   * and touches no backend; it never creates the tenant's key: {@code
   * room.tenant(id).keys().create("default")} does (needs {@link Operation#CREATE} on the key).
   * Destroying that key ({@code room.keys().destroy("tenants/ID/default")}) makes every secret and
   * ciphertext of the tenant unreadable for good (crypto-shredding), and it is never recreated
   * implicitly.
   *
   * @param tenantId 1 to 63 characters of {@code a-z 0-9 _ -}, starting with a letter or digit
   */
  public Strongroom tenant(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    if (!KeyNames.TENANT_ID.matcher(tenantId).matches()) {
      throw new IllegalArgumentException(
          "expected a tenant id of [a-z0-9][a-z0-9_-]{0,62} but was '" + tenantId + "'");
    }
    if (this.tenantId != null) {
      throw new IllegalStateException("expected a room or scoped view but this is a tenant view");
    }
    Target target = Target.tenant(tenantId);
    guard.check(Operation.READ, "tenant", target);
    audit.record("tenant", target.auditName(), 0, Outcome.OK, "");
    return new Strongroom(
        core, false, RoomCore.TENANTS + tenantId + "/", tenantId, guard, apiKeyPolicy);
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
        + (guard.scopeCount() == 0 ? "" : ", scopes=" + guard.scopeCount())
        + "]";
  }

  // ------------------------------------------------------------ internals

  /**
   * Runs a key operation for {@link Keys}: resolves the key's name in this view, asks the guard,
   * records (reads as accesses, everything else as changes).
   */
  <T> T keyOperation(
      Operation operation,
      String opName,
      String keyName,
      Function<String, T> action,
      ToLongFunction<T> version) {
    KeyNames.Resolved key = KeyNames.resolve(namespace, tenantId, keyName);
    guard.check(operation, opName, key.target());
    String resource = key.target().auditName();
    java.util.function.Supplier<T> call =
        () -> {
          if (key.stored() == null) {
            throw new NotFoundException(
                "no key '"
                    + keyName
                    + "' in tenant '"
                    + tenantId
                    + "': a tenant has one key,"
                    + " 'default'");
          }
          return action.apply(key.stored());
        };
    return operation == Operation.READ
        ? audit.access(opName, resource, call, version, v -> {})
        : audit.change(opName, resource, call, version, v -> {});
  }

  /** For {@link Keys#list}: the keys this view may describe, spelled as the view spells them. */
  List<String> keyNames() {
    return audit.access(
        "key.list",
        "kek/*",
        () -> {
          List<String> names = new ArrayList<>();
          // a tenant view has one key, its own, which it calls default
          KeyNames.Resolved own =
              tenantId == null ? null : KeyNames.resolve(namespace, tenantId, RoomCore.DEFAULT_KEK);
          for (String stored : core.keys().keyNames()) {
            if (own != null) {
              if (stored.equals(own.stored()) && guard.allows(Operation.READ, own.target())) {
                names.add(RoomCore.DEFAULT_KEK);
              }
              continue;
            }
            KeyNames.Resolved key;
            try {
              key = KeyNames.resolve(namespace, null, stored);
            } catch (IllegalArgumentException e) {
              continue; // a name no view can spell (a native tool's), as list() skips such names
            }
            if (guard.allows(Operation.READ, key.target())) {
              names.add(stored);
            }
          }
          return List.copyOf(names);
        });
  }

  /** A key operation for {@link Keys} that returns nothing: {@link Operation#DELETE}. */
  void keyChange(String opName, String keyName, java.util.function.Consumer<String> action) {
    keyOperation(
        Operation.DELETE,
        opName,
        keyName,
        stored -> {
          action.accept(stored);
          return Boolean.TRUE;
        },
        done -> AuditTrail.NO_VERSION);
  }

  RoomCore core() {
    return core;
  }

  /** This view's own key: {@code default}, which in a tenant view is the tenant's key. */
  private KeyNames.Resolved viewKey() {
    return KeyNames.resolve(namespace, tenantId, RoomCore.DEFAULT_KEK);
  }

  private KeyNames.Resolved keyAllowed(Operation operation, String opName) {
    KeyNames.Resolved key = viewKey();
    guard.check(operation, opName, key.target());
    return key;
  }

  /** Resolves the secret {@code name} into its full name and asks the guard. */
  private String secretAllowed(Operation operation, String opName, String name) {
    String full = full(name);
    guard.checkSecret(operation, opName, full);
    return full;
  }

  private String full(String name) {
    String checked = Names.check(name);
    return namespace.isEmpty() ? checked : Names.check(namespace + checked);
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
    return SecretValue.adopt(value.copyBytes()); // one copy, owned by the caller
  }

  /**
   * What {@link #onChange}, {@link #scheduleRotation} and {@link #onLeaseEvent} return.
   * Thread-safe.
   */
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
    private @Nullable Backend backend;
    private @Nullable URI uri;
    private Clock clock = Clock.systemUTC();
    private Duration refreshAfter = Duration.ofMinutes(1);
    private Duration maxStaleness = Duration.ofMinutes(15);
    private long maximumSize = 10_000;
    private @Nullable Executor executor;
    private String principal = "anonymous";
    private final List<AuditSink> sinks = new ArrayList<>();
    private @Nullable ScheduledExecutorService leaseScheduler;
    private ApiKeyPolicy apiKeyPolicy = ApiKeyPolicy.defaults();
    private RoomObserver observer = RoomObserver.noop();
    private Duration keyCheckInterval = RoomCore.DEFAULT_KEY_CHECK;
    private dev.strongroom.envelope.CryptoProvider cryptoProvider =
        dev.strongroom.envelope.CryptoProvider.AUTO;
    private Duration leaseRotationOverlap = Duration.ofSeconds(60);
    private double requestBudget;
    private @Nullable Duration refreshJitter;

    private Builder() {}

    /**
     * At most how many requests per second the room sends to the backend in the background: secret
     * refreshes and KEK checks share one token bucket (capacity one second's worth, at least one
     * request). If not set, the budget is derived: {@code max(1, 2 x cached secrets /
     * refreshAfter)} per second, twice what refreshing every cached secret once per interval needs.
     *
     * <p>When the budget is short of what refreshing every cached secret each {@link #refreshAfter}
     * needs, refreshes wait for it, oldest due first, so each secret is refreshed about every
     * {@code cached secrets / budget} seconds instead (fewer with a batching backend: Secrets
     * Manager refreshes up to 20 due secrets in one BatchGetSecretValue). A fleet sharing one
     * backend quota gives each room its share: 1,000 rooms under a quota of 100 requests per second
     * might take {@code requestBudget(0.08)} (80% of 100 / 1,000).
     *
     * <p>Foreground reads are never delayed by the budget: a read on a cold cache (or past the
     * stale bound) goes to the backend at once and is charged to the bucket afterwards, which may
     * go into debt (at most {@code budget x maxStaleness / 2} requests), so background requests
     * after it wait until the room is back within its budget.
     */
    public Builder requestBudget(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException(
            "expected a positive, finite request budget but was " + perSecond);
      }
      this.requestBudget = perSecond;
      return this;
    }

    /**
     * How far past {@link #refreshAfter} a background refresh may fall: each refresh of a secret is
     * due {@code refreshAfter} plus a random delay in {@code [0, jitter)} after the backend last
     * confirmed it (never earlier), so rooms and secrets loaded together spread their refreshes. A
     * tenth of {@code refreshAfter} if not set; zero refreshes exactly after {@code refreshAfter}.
     */
    public Builder refreshJitter(Duration jitter) {
      Objects.requireNonNull(jitter, "jitter");
      if (jitter.isNegative()) {
        throw new IllegalArgumentException("expected a jitter >= 0 but was " + jitter);
      }
      this.refreshJitter = jitter;
      return this;
    }

    /**
     * How long, at most, a lease replaced by a rotation stays valid before it is revoked, so that
     * connections opened under it can finish; a quarter of the lease's first TTL and half of what
     * is left of the old lease bound it further. Zero revokes the replaced lease at once. Default:
     * 60 s.
     */
    public Builder leaseRotationOverlap(Duration overlap) {
      Objects.requireNonNull(overlap, "overlap");
      if (overlap.isNegative()) {
        throw new IllegalArgumentException("expected a rotation overlap >= 0 but was " + overlap);
      }
      this.leaseRotationOverlap = overlap;
      return this;
    }

    /**
     * Who is told what the room does (cache hits and misses, backend calls, stale reads, lease
     * events, rotations, audit failures, API-key verifications), for metrics and health; nothing if
     * not set. Whatever the observer throws is caught and ignored.
     */
    public Builder observer(RoomObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Which JCA provider runs the room's AES-GCM ({@link
     * dev.strongroom.envelope.CryptoProvider#AUTO} if not set: per message, the faster for its size
     * on this JDK). Ciphertexts are the same bytes either way. {@code build()} fails, saying why,
     * if ACCP is chosen and not available.
     */
    public Builder cryptoProvider(dev.strongroom.envelope.CryptoProvider provider) {
      this.cryptoProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * How soon the room notices a key's new primary version made outside it, such as a native
     * Transit or KMS rotation: within this long (on the room's {@link #clock}) the room's own
     * operations encrypt under the new version, and a background check at this rate covers
     * envelopes the application holds; 60 seconds default. Each check is one key describe per key
     * in use.
     */
    public Builder keyCheckInterval(Duration interval) {
      this.keyCheckInterval = positive(interval, "keyCheckInterval");
      return this;
    }

    /** How the room's {@link Strongroom#apiKeys() API keys} behave; the defaults if not set. */
    public Builder apiKeys(ApiKeyPolicy policy) {
      this.apiKeyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

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
      return uri(Backends.parseUri(uri));
    }

    /** The clock that ages cached values; the system clock if not set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How old a cached value gets before it is refreshed in the background (plus a jitter, see
     * {@link #refreshJitter}, and within the {@link #requestBudget}); 1 minute default.
     */
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

    /** The principal audit records name: the backend's identity, with the claimed name beside. */
    static String recordedPrincipal(Backend backend, String claimed) {
      Optional<String> identity;
      try {
        identity = backend.identity();
      } catch (StrongroomException e) {
        LOG.warn("the backend's identity could not be looked up; recording the claimed name", e);
        return "unverified as " + claimed + (claimed.endsWith("(claimed)") ? "" : " (claimed)");
      }
      if (identity.isEmpty()) {
        return claimed;
      }
      if (claimed.equals("anonymous")) {
        return identity.get();
      }
      return identity.get()
          + " as "
          + claimed
          + (claimed.endsWith("(claimed)") ? "" : " (claimed)");
    }

    /**
     * Who the room acts for, in access records; {@code anonymous} if not set. Nothing proves this
     * name: where the backend authenticates the room ({@link Backend#identity()}: a Vault token's
     * entity, an AWS caller ARN) the records name that identity, with this name beside it marked as
     * claimed ({@code vault:entity/ID as NAME (claimed)}); if the backend cannot be asked at build
     * time, the records say so ({@code unverified as NAME (claimed)}).
     */
    public Builder principal(String principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
      return this;
    }

    /**
     * Adds a sink that records every access and every failure of the room and its views (call it
     * again for more sinks; each event goes to each sink in order), such as {@link
     * AuditSinks#jsonLines} or {@link AuditSinks#slf4j()}. Without a sink nothing is recorded.
     *
     * <p>Fail-closed: if a sink throws, the access is refused with {@link AccessDeniedException} (a
     * value already read is wiped, not returned), and a change is not attempted when its {@code
     * INTENT} event cannot be recorded. For fail-open auditing, give a sink that catches its own
     * failures. The room takes ownership of the sink and closes it last when the room closes.
     */
    public Builder audit(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Test hook: where the room's lease manager runs; the manager's own thread if not set. */
    Builder leaseScheduler(ScheduledExecutorService scheduler) {
      this.leaseScheduler = Objects.requireNonNull(scheduler, "scheduler");
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
      if (!cryptoProvider.available()) {
        throw new IllegalStateException(
            "expected Amazon Corretto Crypto Provider to be usable (cryptoProvider(ACCP)) but "
                + dev.strongroom.internal.crypto.GcmProvider.accpProblem());
      }
      Backend opened =
          backend != null
              ? backend
              : Backends.open(dev.strongroom.spi.OpenRequest.builder(uri).clock(clock).build());
      RoomCore core =
          RoomCore.create(
              new RoomCore.Settings(
                  opened,
                  clock,
                  refreshAfter,
                  maxStaleness,
                  maximumSize,
                  executor,
                  recordedPrincipal(opened, principal),
                  AuditRecorder.of(clock, sinks),
                  leaseScheduler,
                  observer,
                  leaseRotationOverlap,
                  requestBudget,
                  refreshJitter));
      if (cryptoProvider != dev.strongroom.envelope.CryptoProvider.AUTO) {
        core.cryptoProvider(cryptoProvider);
      }
      if (!keyCheckInterval.equals(RoomCore.DEFAULT_KEY_CHECK)) {
        core.keyCheckInterval(keyCheckInterval);
      }
      return new Strongroom(
          core, true, "", null, Guard.of(core.audit(), CheckoutPolicy.of(core)), apiKeyPolicy);
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
