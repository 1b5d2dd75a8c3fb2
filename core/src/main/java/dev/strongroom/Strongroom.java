package dev.strongroom;

import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.apikey.ApiKeys;
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
import dev.strongroom.internal.room.AccessRecorder;
import dev.strongroom.internal.room.AuditRecorder;
import dev.strongroom.internal.room.Names;
import dev.strongroom.internal.room.RoomCore;
import dev.strongroom.internal.room.SecretCache;
import dev.strongroom.lease.LeaseListener;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
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
 * <p>Every access is checked against the view's policies and recorded in the {@linkplain
 * Builder#audit audit sinks} (who, what, which version, outcome; never a value) before anything is
 * handed out. Auditing is fail-closed: if a sink throws, the access is refused with {@link
 * AccessDeniedException} and a value already read is wiped, not returned. Changes (writes,
 * rotations, deletions, key changes, leases) are recorded twice: an {@code INTENT} event before the
 * backend is touched, so that nothing changes unless the sink can record it, and the outcome after.
 * Values returned are fresh copies the caller owns and may wipe.
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
  private static final Pattern BARE_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private record Scope(AccessPolicy policy, String namespace) {}

  private final RoomCore core;
  private final boolean root;
  private final String namespace;
  private final String kekName;
  private final List<Scope> scopes;
  private final ApiKeyPolicy apiKeyPolicy;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Strongroom(
      RoomCore core,
      boolean root,
      String namespace,
      String kekName,
      List<Scope> scopes,
      ApiKeyPolicy apiKeyPolicy) {
    this.core = core;
    this.apiKeyPolicy = apiKeyPolicy;
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
        change(
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
    change(
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
    change(
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
    change(
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
      record("read", full, entry.version().version(), AccessRecorder.OK, "change listener");
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
    String full = full(name);
    authorize(Operation.ROTATE, "rotate", full);
    return relative(
        change("rotate", full, () -> core.rotate(full, rotator), SecretVersion::version, v -> {}));
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

  // -------------------------------------------------------------- api keys

  /**
   * The room's API keys (one instance per room), configured by {@link Builder#apiKeys}: issue,
   * verify, renew, rotate, revoke and review keys for the service's own clients. They are stored
   * under the reserved prefix {@code apikeys/} of the backend, so every backend works; operations
   * are audited through the room's sinks as {@code apikey.*}.
   *
   * @throws IllegalStateException on a scoped or tenant view: API keys are managed on the room
   */
  public ApiKeys apiKeys() {
    if (!root) {
      throw new IllegalStateException(
          "expected the room but this is a view; API keys are managed on the room");
    }
    return core.component(ApiKeyService.class, () -> ApiKeyService.create(core, apiKeyPolicy));
  }

  // ---------------------------------------------------------------- leases

  /**
   * Acquires dynamic credentials at {@code path} from the backend's lease provider (for Vault, e.g.
   * {@code database/creds/app}). The room renews the lease, replaces the credential before its
   * maximum TTL or when renewal is refused, and revokes it when the room closes; read its fields
   * each time they are needed (see {@link LeasedCredential}), they are refused after the lease's
   * end. Checked against the view's scopes as {@link Operation#LEASE} on {@code path} and audited
   * as {@code lease} (an intent before the backend is asked, then the outcome); renewals,
   * rotations, expiry and revocation are audited as {@code lease.renewed} and so on.
   *
   * @throws NotFoundException if the backend issues no dynamic credentials (use {@link
   *     #leaseSecret} for a static secret)
   * @throws IllegalStateException on a tenant view (dynamic credentials are not per tenant), or if
   *     the room is closed
   */
  public LeasedCredential lease(String path) {
    Names.check(path);
    if (!namespace.isEmpty()) {
      throw new IllegalStateException(
          "expected a room or scoped view but this is a tenant view; lease dynamic credentials"
              + " through the room");
    }
    authorize(Operation.LEASE, "lease", path);
    return change(
        "lease",
        path,
        () -> {
          LeaseProvider provider =
              core.leaseProvider()
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "the backend issues no dynamic credentials (it has no lease"
                                  + " provider); lease a static secret with leaseSecret(...)"));
          return core.leases().acquire(provider, path);
        },
        c -> 0,
        LeasedCredential::revoke);
  }

  /**
   * Just-in-time access to a static secret: a lease the room issues itself on a copy of the CURRENT
   * value of {@code name}, on any backend. The lease lasts {@code ttl}, is renewed up to {@code
   * maxTtl}, and then ends: the copy is wiped and {@link LeasedCredential#field} refuses it (its
   * single field is {@code "value"}). {@link LeasedCredential#revoke()} ends it early; closing the
   * room revokes it. The credential's path is the secret's full name. Checked against the view's
   * scopes as {@link Operation#LEASE} on {@code name} (LEASE alone grants the time-bounded value)
   * and audited as {@code lease} with the version leased.
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
    String full = full(name);
    authorize(Operation.LEASE, "lease", full);
    Issued issued =
        run(
            "lease",
            full,
            () -> {
              SecretCache.Entry entry = core.cache().get(full);
              LeasedCredential credential =
                  core.leases().issue(full, () -> copy(entry.value()), ttl, maxTtl);
              return new Issued(credential, entry.version().version());
            },
            Issued::version,
            i -> i.credential().revoke());
    return issued.credential();
  }

  private record Issued(LeasedCredential credential, long version) {}

  /**
   * Calls {@code listener} for every event (renewed, rotated, expired, revoked, failed) of the
   * room's leases that this view may see: leases on paths its scopes allow {@link Operation#LEASE}
   * on, within its namespace. Listeners run on the lease thread (see {@link LeaseListener}).
   *
   * @return what stops the delivery
   */
  public Registration onLeaseEvent(LeaseListener listener) {
    Objects.requireNonNull(listener, "listener");
    LeaseListener visible =
        event -> {
          if (event.path().startsWith(namespace) && allowed(Operation.LEASE, event.path())) {
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
    Objects.requireNonNull(envFile, "envFile");
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.isEmpty()) {
      if (!prefix.endsWith("/")) {
        throw new IllegalArgumentException(
            "expected an empty prefix or one ending with '/' such as legacy/ but it did not end"
                + " with '/'");
      }
      Names.checkPrefix(prefix);
    }
    EnvFile env = EnvFile.parse(envFile);
    try {
      Map<String, EnvFile.Entry> byName = new LinkedHashMap<>();
      for (EnvFile.Entry entry : env.entries()) {
        String name = prefix + envSecretName(entry);
        full(name);
        EnvFile.Entry previous = byName.putIfAbsent(name, entry);
        if (previous != null) {
          throw new IllegalArgumentException(
              "expected each variable to map to its own secret but "
                  + previous.key()
                  + " (line "
                  + previous.line()
                  + ") and "
                  + entry.key()
                  + " (line "
                  + entry.line()
                  + ") both map to '"
                  + name
                  + "'");
        }
      }
      for (String name : byName.keySet()) {
        authorize(Operation.WRITE, "write", full(name));
      }
      List<SecretVersion> written = new ArrayList<>();
      byName.forEach((name, entry) -> written.add(put(name, entry.value())));
      return List.copyOf(written);
    } finally {
      env.wipe();
    }
  }

  private static String envSecretName(EnvFile.Entry entry) {
    StringBuilder name = new StringBuilder();
    for (String part : entry.key().toLowerCase(Locale.ROOT).split("_+")) {
      if (!part.isEmpty()) {
        name.append(name.length() == 0 ? "" : "/").append(part);
      }
    }
    if (name.length() == 0) {
      throw new IllegalArgumentException(
          "expected variable "
              + entry.key()
              + " (line "
              + entry.line()
              + ") to hold a letter or digit to name a secret after");
    }
    return name.toString();
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
    return new Strongroom(core, false, namespace, kekName, more, apiKeyPolicy);
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
    return new Strongroom(
        core, false, RoomCore.TENANTS + tenantId + "/", kek, scopes, apiKeyPolicy);
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
    Supplier<T> call = () -> action.apply(backendName);
    String name = "kek/" + backendName;
    return operation == Operation.READ
        ? run(opName, name, call, version, v -> {})
        : change(opName, name, call, version, v -> {});
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
    Names.check(name);
    return namespace.isEmpty() ? name : Names.check(namespace + name);
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
      record(opName, name, 0, AccessRecorder.DENIED, "not allowed in this view");
    } catch (AccessDeniedException e) {
      denied.addSuppressed(e);
    }
    return denied;
  }

  private void record(String opName, String name, long version, String outcome, String detail) {
    try {
      core.recorder().record(core.principal(), opName, name, version, outcome, detail);
    } catch (RuntimeException e) {
      throw new AccessDeniedException(
          "access refused: the audit sink failed to record " + opName + " of '" + name + "'", e);
    }
  }

  /** As {@link #run}, after recording the intent: nothing changes unless the sinks can record. */
  private <T> T change(
      String opName,
      String name,
      Supplier<T> action,
      ToLongFunction<T> version,
      Consumer<T> discard) {
    record(opName, name, 0, AccessRecorder.INTENT, "");
    return run(opName, name, action, version, discard);
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
      record(opName, name, version.applyAsLong(result), AccessRecorder.OK, "");
    } catch (AccessDeniedException e) {
      discard.accept(result);
      throw e;
    }
    return result;
  }

  private void recordFailure(String opName, String name, String outcome, RuntimeException cause) {
    try {
      record(opName, name, 0, outcome, cause.getClass().getSimpleName());
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
    return SecretValue.adopt(value.copyBytes()); // one copy, owned by the caller
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
    private Backend backend;
    private URI uri;
    private Clock clock = Clock.systemUTC();
    private Duration refreshAfter = Duration.ofMinutes(1);
    private Duration maxStaleness = Duration.ofMinutes(15);
    private long maximumSize = 10_000;
    private Executor executor;
    private String principal = "anonymous";
    private final List<AuditSink> sinks = new ArrayList<>();
    private ScheduledExecutorService leaseScheduler;
    private ApiKeyPolicy apiKeyPolicy = ApiKeyPolicy.defaults();

    private Builder() {}

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
                  AuditRecorder.of(clock, sinks),
                  leaseScheduler));
      return new Strongroom(core, true, "", RoomCore.DEFAULT_KEK, List.of(), apiKeyPolicy);
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
