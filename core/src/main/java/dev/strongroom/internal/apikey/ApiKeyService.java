package dev.strongroom.internal.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.apikey.ApiKeyPolicy;
import dev.strongroom.apikey.ApiKeyQuery;
import dev.strongroom.apikey.ApiKeys;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.apikey.Verification;
import dev.strongroom.apikey.Verification.Outcome;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.envelope.ReservedContexts;
import dev.strongroom.internal.room.AccessRecorder;
import dev.strongroom.internal.room.RoomCore;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ApiKeys} of one room.
 *
 * <p>Design: each key is the secret {@code apikeys/ID} (a {@link KeyRecord}: JSON metadata, the
 * key's hash and a MAC over the record and its name), written through the room's raw {@link
 * SecretStore}, so every backend works; every change is a check-and-set write of a new CURRENT
 * version, retried on conflict, so concurrent rooms never lose a revocation. The pepper is 32
 * random bytes stored as {@code apikeys/.pepper}, sealed by the room's default envelope under a
 * reserved encryption context (one {@link dev.strongroom.envelope.EncryptionContext} refuses from
 * callers, so the pepper never opens through {@code decrypt} or {@code envelope()}); three keys are
 * derived from it ({@link PepperKeys}). Only the first issue on a store without key records creates
 * the pepper (check-and-set: the loser of a race reads the winner's); a pepper that is missing
 * while records exist, or that does not open, is a {@link TamperedException}, never a new pepper.
 *
 * <p>The hot path of {@link #verify} allocates only the key-id string: the presented key is copied
 * into a per-thread buffer, parsed and checksummed in place ({@link KeyFormat#parse}; a failure
 * costs no backend call), the id is looked up in a Caffeine cache of known keys whose entries
 * expire after the policy's revocation bound (driven by the room's clock), the HMAC is computed
 * with a per-thread {@link Mac} into a per-thread array and compared with {@link
 * MessageDigest#isEqual}; a valid key is audited and returns a {@link Verification} prepared when
 * the entry was loaded.
 *
 * <p>Forged keys cost no backend read: an id that is not cached must carry its tag (keyed by the
 * pepper, {@link KeyFormat}), or it is refused offline; an id that carries it but was not found is
 * kept in a separate bounded negative cache (so a flood never evicts known keys); and backend reads
 * that find nothing draw on a token bucket ({@link ApiKeyPolicy.Builder#unknownLookupLimit}),
 * refusing further unknown lookups as {@code RATE_LIMITED} while it is empty (lookups of keys in
 * the cache never touch it). Rejections are audited in aggregate ({@link RejectionAudit});
 * successes one by one. Every verification audit is fail-closed: if the sink fails, verify throws
 * {@link AccessDeniedException}.
 *
 * <p>Successful verifications mark the key's last-used time in memory at most once per interval per
 * room and a background task on the room's executor writes the marks; {@link #close} writes what is
 * left.
 *
 * <p>Thread-safe. Not for public use.
 */
public final class ApiKeyService implements ApiKeys, AutoCloseable {
  /** The reserved name prefix of key records. */
  public static final String PREFIX = "apikeys/";

  /** The name of the sealed pepper. */
  public static final String PEPPER = PREFIX + ".pepper";

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyService.class);
  private static final EncryptionContext PEPPER_CONTEXT =
      ReservedContexts.of("strongroom:apikey", "pepper");
  private static final int HASH_BYTES = 32;
  private static final long NEVER = Long.MIN_VALUE / 4;

  private final RoomCore core;
  private final SecretStore store;
  private final Clock clock;
  private final ApiKeyPolicy policy;
  private final byte[] servicePrefix;
  private final long lastUsedMillis;
  private volatile boolean closed;
  private final Executor background;
  private final FailureLimiter limiter;
  private final TokenBucket unknownLookups;
  private final RejectionAudit rejections;
  private final SecureRandom random = new SecureRandom();
  private final Cache<String, Entry> cache;
  private final Cache<String, Boolean> unknown;
  private final ConcurrentHashMap<String, Long> pendingLastUsed = new ConcurrentHashMap<>();
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private volatile PepperKeys keys;
  private volatile long noPepperUntil = Long.MIN_VALUE;

  private ApiKeyService(RoomCore core, ApiKeyPolicy policy) {
    this.core = core;
    this.store = core.store();
    this.clock = core.clock();
    this.policy = policy;
    this.servicePrefix = (policy.service() + "_").getBytes(StandardCharsets.US_ASCII);
    this.lastUsedMillis = policy.lastUsedInterval().toMillis();
    Executor executor = core.settings().executor();
    this.background = executor != null ? executor : core.scheduler();
    this.limiter =
        policy.failureBurst() > 0
            ? new FailureLimiter(clock, policy.failureBurst(), policy.failureRefill())
            : null;
    this.unknownLookups =
        new TokenBucket(clock, policy.unknownLookupBurst(), policy.unknownLookupRefill());
    this.rejections =
        new RejectionAudit(
            clock,
            policy.rejectionAuditInterval(),
            (resource, outcome, detail) -> record("apikey.verify", resource, outcome, detail));
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(policy.cacheSize())
            .expireAfterWrite(policy.revocationBound().toNanos(), TimeUnit.NANOSECONDS)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(Runnable::run)
            .build();
    this.unknown =
        Caffeine.newBuilder()
            .maximumSize(policy.negativeCacheSize())
            .expireAfterWrite(policy.revocationBound().toNanos(), TimeUnit.NANOSECONDS)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(Runnable::run)
            .build();
  }

  /** The API keys of the room {@code core} is the engine of. */
  public static ApiKeyService create(RoomCore core, ApiKeyPolicy policy) {
    return new ApiKeyService(
        Objects.requireNonNull(core, "core"), Objects.requireNonNull(policy, "policy"));
  }

  // ---------------------------------------------------------------- verify

  @Override
  public Verification verify(SecretValue presented) {
    return told(verifyValue(presented));
  }

  /** Tells the room's observer a verification's outcome, at its exit. */
  private Verification told(Verification verification) {
    core.observer().apiKeyVerification(verification.outcome());
    return verification;
  }

  private Verification verifyValue(SecretValue presented) {
    Objects.requireNonNull(presented, "presented");
    int n = presented.length();
    if (n > KeyFormat.MAX_LENGTH) {
      return rejected(Outcome.MALFORMED, null, null);
    }
    Scratch s = scratch.get();
    byte[] copy = presented.copyBytes();
    try {
      System.arraycopy(copy, 0, s.key, 0, n);
      return verifyScratch(s, n, null);
    } finally {
      Arrays.fill(copy, (byte) 0);
      Arrays.fill(s.key, 0, n, (byte) 0);
    }
  }

  @Override
  public Verification verify(char[] presented) {
    return verify(presented, null);
  }

  @Override
  public Verification verify(char[] presented, String source) {
    return told(verifyChars(presented, source));
  }

  private Verification verifyChars(char[] presented, String source) {
    Objects.requireNonNull(presented, "presented");
    int n = presented.length;
    if (n > KeyFormat.MAX_LENGTH) {
      return rejected(Outcome.MALFORMED, null, source);
    }
    Scratch s = scratch.get();
    try {
      for (int i = 0; i < n; i++) {
        char c = presented[i];
        if (c > 127) {
          return rejected(Outcome.MALFORMED, null, source);
        }
        s.key[i] = (byte) c;
      }
      return verifyScratch(s, n, source);
    } finally {
      Arrays.fill(s.key, 0, n, (byte) 0);
    }
  }

  private Verification verifyScratch(Scratch s, int n, String source) {
    rejections.flushIfDue();
    int idAt = KeyFormat.parse(s.key, n);
    if (idAt < 0 || !startsWithService(s.key)) {
      return rejected(Outcome.MALFORMED, null, source);
    }
    String id = new String(s.key, idAt, KeyFormat.ID_LENGTH, StandardCharsets.ISO_8859_1);
    if (limiter != null && !limiter.allowed(id, source)) {
      return rejected(Outcome.RATE_LIMITED, id, source);
    }
    Entry entry = cache.getIfPresent(id);
    if (entry == null) {
      PepperKeys k = keysForLookup(id);
      if (k == null || !KeyFormat.tagMatches(s.key, idAt, s.idMac(k), s.hash)) {
        return rejected(Outcome.INVALID, id, source); // never issued here: no backend read
      }
      if (unknown.getIfPresent(id) != null) {
        return rejected(Outcome.INVALID, id, source);
      }
      if (!unknownLookups.available()) {
        return rejected(Outcome.RATE_LIMITED, id, source);
      }
      entry = lookUp(id);
      if (entry == null) {
        return rejected(Outcome.INVALID, id, source);
      }
    }
    Mac mac = s.hashMac(keys);
    mac.update(s.key, 0, n);
    try {
      mac.doFinal(s.hash, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 failed", e);
    }
    boolean match = MessageDigest.isEqual(s.hash, entry.hash);
    Arrays.fill(s.hash, (byte) 0);
    if (!match) {
      return rejected(Outcome.INVALID, id, source);
    }
    if (entry.revoked) {
      return rejected(Outcome.REVOKED, id, source);
    }
    long now = clock.millis();
    if (now >= entry.expiresMillis) {
      return rejected(Outcome.EXPIRED, id, source);
    }
    record("apikey.verify", entry.resource, AccessRecorder.OK, "");
    touch(entry, now);
    return entry.valid;
  }

  /**
   * Loads key {@code id} from the store (one flight per id): the entry, or null if the store has no
   * such record (remembered in the negative cache, and a token of the unknown-lookup bucket spent)
   * or its record is tampered (remembered likewise, and audited).
   */
  private Entry lookUp(String id) {
    Entry entry;
    try {
      entry = cache.get(id, this::load);
    } catch (TamperedException e) {
      unknown.put(id, Boolean.TRUE);
      record("apikey.verify", PREFIX + id, AccessRecorder.ERROR, "tampered");
      return null;
    } catch (StrongroomException e) {
      record("apikey.verify", PREFIX + id, AccessRecorder.ERROR, e.getClass().getSimpleName());
      throw e;
    }
    if (entry == null) {
      unknown.put(id, Boolean.TRUE);
      unknownLookups.take();
    }
    return entry;
  }

  /**
   * The pepper's keys for a lookup of an id not in the cache, or null if the store has no pepper
   * yet (so no key was ever issued; the absence is remembered for the revocation bound, so that a
   * flood against an empty store costs one read per bound).
   */
  private PepperKeys keysForLookup(String id) {
    PepperKeys k = keys;
    if (k != null) {
      return k;
    }
    if (clock.millis() < noPepperUntil) {
      return null;
    }
    try {
      k = pepperKeys(false);
    } catch (StrongroomException e) {
      record(
          "apikey.verify",
          PREFIX + id,
          AccessRecorder.ERROR,
          e instanceof TamperedException ? "tampered pepper" : e.getClass().getSimpleName());
      throw e;
    }
    if (k == null) {
      noPepperUntil = clock.millis() + policy.revocationBound().toMillis();
    }
    return k;
  }

  private boolean startsWithService(byte[] key) {
    for (int i = 0; i < servicePrefix.length; i++) {
      if (key[i] != servicePrefix[i]) {
        return false;
      }
    }
    return true;
  }

  private Verification rejected(Outcome outcome, String id, String source) {
    if (limiter != null && outcome != Outcome.RATE_LIMITED) {
      limiter.failed(id, source);
    }
    rejections.rejected(
        outcome,
        id == null ? "apikeys" : PREFIX + id,
        () ->
            outcome.name().toLowerCase(java.util.Locale.ROOT)
                + (source == null ? "" : " source=" + printable(source)));
    return Verification.rejected(outcome, id);
  }

  /**
   * Records one event; fail-closed: if the sink fails, the operation is refused with {@link
   * AccessDeniedException} (a verification is never answered unaudited).
   */
  private void record(String operation, String resource, String outcome, String detail) {
    try {
      core.recorder().record(core.principal(), operation, resource, 0, outcome, detail);
    } catch (RuntimeException e) {
      core.observer().auditFailure(operation, e.getClass());
      throw new AccessDeniedException(
          "access refused: the audit sink failed to record " + operation + " of '" + resource + "'",
          e);
    }
  }

  /** Records the outcome of a change whose intent was recorded; a failure here is logged only. */
  private void audit(String operation, String id, String outcome, String detail) {
    try {
      core.recorder()
          .record(
              core.principal(),
              operation,
              id == null ? "apikeys" : PREFIX + id,
              0,
              outcome,
              detail);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not audit {} of api key {}: {}",
          operation,
          id == null ? "-" : id,
          e.getClass().getName());
    }
  }

  private void touch(Entry entry, long now) {
    long last = entry.lastRecorded.get();
    if (!closed && now - last >= lastUsedMillis && entry.lastRecorded.compareAndSet(last, now)) {
      pendingLastUsed.merge(entry.valid.keyId().orElseThrow(), now, Math::max);
      try {
        background.execute(this::writeLastUsed);
      } catch (RejectedExecutionException e) {
        LOG.debug("last-used write not scheduled: the room is closing");
      }
    }
  }

  /**
   * Writes the pending last-used marks; best effort (failures are logged by key id). Synchronized
   * so that {@link #close} waits for a background write in flight instead of racing it while the
   * room shuts its threads down.
   */
  synchronized void writeLastUsed() {
    for (String id : List.copyOf(pendingLastUsed.keySet())) {
      Long at = pendingLastUsed.remove(id);
      if (at == null) {
        continue;
      }
      Instant used = Instant.ofEpochMilli(at);
      try {
        update(
            id,
            info ->
                info.lastUsed().filter(t -> !t.isBefore(used)).isPresent()
                    ? null
                    : info.newBuilder().lastUsed(used).build(),
            true);
        LOG.trace("recorded last use of api key {}", id);
      } catch (StrongroomException e) {
        LOG.warn("could not record last use of api key {}: {}", id, e.getClass().getName());
      }
    }
  }

  /** The entry of key {@code id}, or null if the store has none. */
  private Entry load(String id) {
    Optional<StoredSecret> stored = store.read(ReadRequest.current(PREFIX + id));
    LOG.trace("loaded api key {} ({})", id, stored.isPresent() ? "found" : "missing");
    return stored.map(s -> entry(decode(id, s))).orElse(null);
  }

  private Entry entry(KeyRecord record) {
    ApiKeyInfo info = record.info();
    return new Entry(
        record,
        record.hash(),
        info.expires().toEpochMilli(),
        info.revoked(),
        Verification.valid(info),
        info.lastUsed().map(Instant::toEpochMilli).orElse(NEVER));
  }

  /** Caches a record just written or read by a change, and forgets that its id was unknown. */
  private void remember(KeyRecord record) {
    cache.put(record.info().id(), entry(record));
    unknown.invalidate(record.info().id());
  }

  // ------------------------------------------------------------ lifecycle

  @Override
  public IssuedKey issue(IssueRequest request) {
    Objects.requireNonNull(request, "request");
    Duration maxTtl = request.maxTtl().orElse(policy.maxTtl());
    Duration ttl = request.ttl().orElse(policy.defaultTtl());
    if (maxTtl.compareTo(policy.maxTtl()) > 0) {
      throw new IllegalArgumentException(
          "expected a maxTtl <= the policy's " + policy.maxTtl() + " but was " + maxTtl);
    }
    if (ttl.compareTo(maxTtl) > 0) {
      if (request.ttl().isPresent()) {
        throw new IllegalArgumentException(
            "expected a ttl <= maxTtl " + maxTtl + " but was " + ttl);
      }
      ttl = maxTtl;
    }
    Duration grant = ttl;
    return change(
        "apikey.issue",
        null,
        () ->
            issueNew(
                request.environment(), request.owner().orElse(null), request, grant, maxTtl, null));
  }

  private IssuedKey issueNew(
      String environment,
      String owner,
      IssueRequest request,
      Duration ttl,
      Duration maxTtl,
      String rotatedFrom) {
    PepperKeys k = pepperKeys(true);
    for (int attempt = 0; ; attempt++) {
      String id = KeyFormat.newId(random, k.idMac());
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      byte[] key = KeyFormat.newKey(policy.service(), environment, id, secret);
      Arrays.fill(secret, (byte) 0);
      try {
        byte[] hash = k.hashMac().doFinal(key);
        Instant now = clock.instant();
        ApiKeyInfo info =
            ApiKeyInfo.builder(id)
                .owner(owner)
                .environment(environment)
                .scopes(request.scopes())
                .created(now)
                .ttl(ttl)
                .expires(now.plus(ttl))
                .maxExpires(now.plus(maxTtl))
                .renewable(request.renewable())
                .rotatedFrom(rotatedFrom)
                .build();
        KeyRecord record;
        try {
          record = write(new KeyRecord(info, hash, 0));
        } catch (ConflictException collision) {
          if (attempt < 3) {
            continue; // an id taken already: 2^-71 per key, but cheap to handle
          }
          throw collision;
        }
        remember(record);
        audit("apikey.issue", id, AccessRecorder.OK, environment);
        return IssuedKey.of(SecretValue.of(key), info);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  @Override
  public Optional<ApiKeyInfo> describe(String keyId) {
    checkId(keyId);
    return read(keyId).map(KeyRecord::info);
  }

  /** Whether {@code id} could have been issued here (its tag matches); false without a pepper. */
  private boolean issuable(String id) {
    PepperKeys k = pepperKeys(false);
    return k != null && KeyFormat.tagMatches(id, k.idMac());
  }

  @Override
  public ApiKeyInfo revoke(String keyId) {
    checkId(keyId);
    return change(
        "apikey.revoke",
        keyId,
        () -> {
          Instant now = clock.instant();
          KeyRecord record =
              update(
                  keyId,
                  info -> info.revoked() ? null : info.newBuilder().revokedAt(now).build(),
                  false);
          remember(record);
          return record.info();
        });
  }

  @Override
  public ApiKeyInfo renew(String keyId, Duration increment) {
    checkId(keyId);
    positive(increment, "increment");
    return change(
        "apikey.renew",
        keyId,
        () -> {
          Instant now = clock.instant();
          KeyRecord record =
              update(
                  keyId,
                  info -> {
                    checkActive(info, now);
                    if (!info.renewable()) {
                      throw new IllegalStateException(
                          "expected a renewable key but api key " + keyId + " is not renewable");
                    }
                    Instant wanted = now.plus(increment);
                    Instant expires =
                        wanted.isAfter(info.maxExpires()) ? info.maxExpires() : wanted;
                    return info.newBuilder().expires(expires).build();
                  },
                  false);
          remember(record);
          return record.info();
        });
  }

  @Override
  public IssuedKey rotate(String keyId, Duration overlap) {
    checkId(keyId);
    Objects.requireNonNull(overlap, "overlap");
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("expected an overlap >= 0 but was " + overlap);
    }
    return change(
        "apikey.rotate",
        keyId,
        () -> {
          Instant now = clock.instant();
          ApiKeyInfo old = read(keyId).map(KeyRecord::info).orElseThrow(() -> notFound(keyId));
          checkActive(old, now);
          IssueRequest.Builder successor =
              IssueRequest.builder(old.environment()).scopes(old.scopes()).renewable(true);
          IssuedKey issued =
              issueNew(
                  old.environment(),
                  old.owner().orElse(null),
                  successor.build(),
                  old.ttl(),
                  Duration.between(old.created(), old.maxExpires()),
                  keyId);
          Instant end = now.plus(overlap);
          KeyRecord updated =
              update(
                  keyId,
                  info -> {
                    checkActive(info, now);
                    return info.newBuilder()
                        .expires(end.isBefore(info.expires()) ? end : info.expires())
                        .renewable(false)
                        .replacedBy(issued.id())
                        .build();
                  },
                  false);
          remember(updated);
          return issued;
        });
  }

  // ---------------------------------------------------------------- review

  @Override
  public List<ApiKeyInfo> list(ApiKeyQuery query) {
    Objects.requireNonNull(query, "query");
    Instant now = clock.instant();
    return review("apikey.list", info -> query.matches(info, now));
  }

  @Override
  public List<ApiKeyInfo> unusedFor(Duration period) {
    Instant since = clock.instant().minus(positive(period, "period"));
    Instant now = clock.instant();
    return review(
        "apikey.review",
        info -> info.active(now) && info.lastUsed().orElse(info.created()).isBefore(since));
  }

  @Override
  public List<ApiKeyInfo> olderThan(Duration age) {
    Instant before = clock.instant().minus(positive(age, "age"));
    Instant now = clock.instant();
    return review("apikey.review", info -> info.active(now) && info.created().isBefore(before));
  }

  @Override
  public List<ApiKeyInfo> withoutOwner() {
    Instant now = clock.instant();
    return review("apikey.review", info -> info.active(now) && info.owner().isEmpty());
  }

  @Override
  public void exportJson(Writer out) {
    Objects.requireNonNull(out, "out");
    List<ApiKeyInfo> all = review("apikey.export", info -> true);
    try {
      KeyRecord.export(all, clock.instant(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the api key export", e);
    }
  }

  private List<ApiKeyInfo> review(String operation, Predicate<ApiKeyInfo> filter) {
    return change(
        operation,
        null,
        () -> {
          List<ReadRequest> requests = new ArrayList<>();
          List<String> ids = new ArrayList<>();
          for (String name : store.list(PREFIX)) {
            String id = name.substring(PREFIX.length());
            if (KeyFormat.isId(id)) {
              ids.add(id);
              requests.add(ReadRequest.current(name));
            }
          }
          List<Optional<StoredSecret>> read = ids.isEmpty() ? List.of() : store.readAll(requests);
          List<ApiKeyInfo> out = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            read.get(i).map(s -> decode(id, s).info()).filter(filter).ifPresent(out::add);
          }
          out.sort(Comparator.comparing(ApiKeyInfo::created).thenComparing(ApiKeyInfo::id));
          return List.copyOf(out);
        },
        false);
  }

  // ---------------------------------------------------------------- storage

  /** Key {@code id}'s record; empty without a backend read if its id carries the wrong tag. */
  private Optional<KeyRecord> read(String id) {
    if (!issuable(id)) {
      return Optional.empty();
    }
    return store.read(ReadRequest.current(PREFIX + id)).map(s -> decode(id, s));
  }

  /**
   * Decodes and authenticates a stored record.
   *
   * @throws TamperedException if it fails its MAC, or there is no pepper to check it with
   */
  private KeyRecord decode(String id, StoredSecret stored) {
    byte[] json = stored.value().copyBytes();
    try {
      PepperKeys k = pepperKeys(false);
      if (k == null) {
        throw new TamperedException(
            "api key record "
                + id
                + " exists but the pepper "
                + PEPPER
                + " does not: restore the pepper from a backup (a new one would not verify any"
                + " record)");
      }
      return KeyRecord.decode(id, json, stored.version().version(), k);
    } finally {
      Arrays.fill(json, (byte) 0);
      stored.value().wipe();
    }
  }

  /** Writes {@code record} as the next version (check-and-set on its version; 0: must be new). */
  private KeyRecord write(KeyRecord record) {
    String name = PREFIX + record.info().id();
    try (SecretValue json = SecretValue.of(record.encode(pepperKeys(false)))) {
      long version =
          store.write(new WriteRequest(name, json, Stage.CURRENT, record.version())).version();
      return new KeyRecord(record.info(), record.hash(), version);
    }
  }

  /**
   * Reads key {@code id}, applies {@code change} (null: nothing to change) and writes the result
   * with check-and-set, re-reading and retrying on conflict.
   */
  private KeyRecord update(String id, Function<ApiKeyInfo, ApiKeyInfo> change, boolean prune) {
    ConflictException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      KeyRecord current = read(id).orElseThrow(() -> notFound(id));
      ApiKeyInfo changed = change.apply(current.info());
      if (changed == null) {
        return current;
      }
      try {
        KeyRecord written = write(current.with(changed));
        if (prune) {
          prune(id, current.version());
        }
        return written;
      } catch (ConflictException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Destroys a superseded version of a record (last-used marks would pile up otherwise). */
  private void prune(String id, long version) {
    try {
      store.destroy(DestroyRequest.versions(PREFIX + id, List.of(version)));
    } catch (StrongroomException e) {
      LOG.debug(
          "could not prune version {} of api key {}: {}", version, id, e.getClass().getName());
    }
  }

  /**
   * The pepper's keys, loaded once and kept in memory; with {@code create}, the pepper is created
   * if the store has neither a pepper nor any key record.
   *
   * @return the keys, or null if there is no pepper and {@code create} is false
   * @throws TamperedException if the pepper does not open, or is missing while key records exist
   */
  private PepperKeys pepperKeys(boolean create) {
    PepperKeys k = keys;
    if (k == null) {
      synchronized (this) {
        k = keys;
        if (k == null) {
          k = loadPepper(create);
          keys = k;
        }
      }
    }
    return k;
  }

  private PepperKeys loadPepper(boolean create) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<StoredSecret> stored = store.read(ReadRequest.current(PEPPER));
      if (stored.isPresent()) {
        return openPepper(stored.get().value());
      }
      List<String> records = store.list(PREFIX).stream().filter(n -> !n.equals(PEPPER)).toList();
      if (!records.isEmpty()) {
        throw new TamperedException(
            "the api key pepper "
                + PEPPER
                + " is missing but "
                + records.size()
                + " entries exist under "
                + PREFIX
                + "; refusing to create a new pepper (it would verify none of them): restore the"
                + " pepper from a backup");
      }
      if (!create) {
        return null;
      }
      byte[] fresh = new byte[PepperKeys.PEPPER_LENGTH];
      random.nextBytes(fresh);
      try {
        byte[] sealed = core.defaultEnvelope().encrypt(fresh, PEPPER_CONTEXT);
        change(
            "apikey.pepper",
            null,
            () -> store.write(new WriteRequest(PEPPER, SecretValue.of(sealed), Stage.CURRENT, 0)));
        return PepperKeys.derive(fresh);
      } catch (ConflictException raced) {
        LOG.debug("another room created the api key pepper first; reading it");
      } finally {
        Arrays.fill(fresh, (byte) 0);
      }
    }
    throw new TamperedException(
        "the api key pepper "
            + PEPPER
            + " has no current version, yet it cannot be created (a version exists): restore it"
            + " from a backup");
  }

  private PepperKeys openPepper(SecretValue sealed) {
    byte[] plain;
    try (sealed) {
      plain = core.defaultEnvelope().decrypt(sealed.copyBytes(), PEPPER_CONTEXT);
    } catch (InvalidCiphertextException e) {
      throw new TamperedException(
          "the api key pepper "
              + PEPPER
              + " does not open (damaged, or sealed under another key): api keys can neither be"
              + " verified nor issued until it is restored from a backup",
          e);
    }
    try {
      if (plain.length != PepperKeys.PEPPER_LENGTH) {
        throw new TamperedException(
            "the api key pepper " + PEPPER + " has the wrong length: restore it from a backup");
      }
      return PepperKeys.derive(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  // ---------------------------------------------------------------- helpers

  private <T> T change(String operation, String id, Supplier<T> action) {
    return change(operation, id, action, true);
  }

  /** Records an intent (if {@code intent}), runs {@code action}, records the outcome. */
  private <T> T change(String operation, String id, Supplier<T> action, boolean intent) {
    String resource = id == null ? "apikeys" : PREFIX + id;
    if (intent) {
      try {
        core.recorder().record(core.principal(), operation, resource, 0, AccessRecorder.INTENT, "");
      } catch (RuntimeException e) {
        core.observer().auditFailure(operation, e.getClass());
        throw new AccessDeniedException(
            "access refused: the audit sink failed to record "
                + operation
                + " of '"
                + resource
                + "'",
            e);
      }
    }
    T result;
    try {
      result = action.get();
    } catch (NotFoundException e) {
      audit(operation, id, AccessRecorder.NOT_FOUND, e.getClass().getSimpleName());
      throw e;
    } catch (RuntimeException e) {
      audit(operation, id, AccessRecorder.ERROR, e.getClass().getSimpleName());
      throw e;
    }
    if (id != null || !operation.equals("apikey.issue")) {
      audit(operation, id, AccessRecorder.OK, "");
    }
    return result;
  }

  private static void checkActive(ApiKeyInfo info, Instant now) {
    if (info.revoked()) {
      throw new LeaseExpiredException("api key " + info.id() + " is revoked");
    }
    if (!now.isBefore(info.expires())) {
      throw new LeaseExpiredException("api key " + info.id() + " expired at " + info.expires());
    }
  }

  private static void checkId(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (!KeyFormat.isId(keyId)) {
      throw new IllegalArgumentException(
          "expected a key id of "
              + KeyFormat.ID_LENGTH
              + " base62 characters but was '"
              + printable(keyId)
              + "'");
    }
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no such api key: " + id);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
    }
    return d;
  }

  private static String printable(String s) {
    return KeyFormat.describe(s, 64);
  }

  /** Writes the pending last-used marks and empties the cache. */
  @Override
  public void close() {
    closed = true;
    writeLastUsed();
    try {
      rejections.flush();
    } catch (AccessDeniedException e) {
      LOG.warn("could not audit the last rejected api key verifications: {}", e.getMessage());
    }
    cache.invalidateAll();
    unknown.invalidateAll();
  }

  @Override
  public String toString() {
    return "ApiKeys[service=" + policy.service() + "]";
  }

  /** A cached key: what verification needs, prepared once per load. */
  private static final class Entry {
    final KeyRecord record;
    final byte[] hash;
    final long expiresMillis;
    final boolean revoked;
    final Verification valid;
    final AtomicLong lastRecorded;
    final String resource;

    Entry(
        KeyRecord record,
        byte[] hash,
        long expiresMillis,
        boolean revoked,
        Verification valid,
        long lastRecorded) {
      this.record = record;
      this.hash = hash;
      this.expiresMillis = expiresMillis;
      this.revoked = revoked;
      this.valid = valid;
      this.lastRecorded = new AtomicLong(lastRecorded);
      this.resource = PREFIX + record.info().id();
    }

    @Override
    public String toString() {
      return "Entry[" + record + "]";
    }
  }

  /** Per-thread buffers and MACs, so that a verification allocates (almost) nothing. */
  private static final class Scratch {
    final byte[] key = new byte[KeyFormat.MAX_LENGTH];
    final byte[] hash = new byte[HASH_BYTES];
    private Mac hashMac;
    private Mac idMac;

    Mac hashMac(PepperKeys keys) {
      if (hashMac == null) {
        hashMac = keys.hashMac();
      }
      return hashMac;
    }

    Mac idMac(PepperKeys keys) {
      if (idMac == null) {
        idMac = keys.idMac();
      }
      return idMac;
    }
  }
}
