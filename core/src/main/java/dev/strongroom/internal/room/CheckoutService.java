package dev.strongroom.internal.room;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.envelope.ReservedContexts;
import dev.strongroom.lease.Checkout;
import dev.strongroom.lease.Checkouts;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's persisted check-out leases ({@link Checkouts}): records under {@link #PREFIX} of the
 * backend's secret store, each sealed by the {@code default} envelope under a reserved context
 * naming the record and the store version it is written as, so an edited, swapped or replayed
 * record does not open.
 *
 * <p>Thread-safe (updates are check-and-set writes). Not for public use.
 */
public final class CheckoutService implements Checkouts {
  /** Where lease records live. */
  public static final String PREFIX = Reserved.LIBRARY + "leases/";

  private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String FORMAT = "strongroom-checkout-v1";

  /** How often the room sweeps ended leases while a rotator is registered. */
  static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutService.class);

  private final RoomCore core;
  private final AuditTrail audit;
  private final CheckoutPolicy policy;
  private final Map<String, SecretRotator> rotators = new ConcurrentHashMap<>();
  private final AtomicBoolean sweepScheduled = new AtomicBoolean();
  private final ReentrantLock sweepLock = new ReentrantLock();

  private CheckoutService(RoomCore core) {
    this.core = core;
    this.audit = core.audit();
    this.policy = CheckoutPolicy.of(core);
  }

  /** The check-out part of {@code core}. */
  public static CheckoutService of(RoomCore core) {
    return new CheckoutService(core);
  }

  private static String secretName(String name) {
    String fullName = Names.check(name);
    if (Reserved.isReserved(fullName)) {
      throw new AccessDeniedException(
          "names under " + Reserved.PREFIXES + " are reserved for the library");
    }
    return fullName;
  }

  @Override
  public Checkout checkout(String name, Duration ttl, Duration maxTtl) {
    String fullName = secretName(name);
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    if (ttl.isNegative() || ttl.isZero() || maxTtl.compareTo(ttl) < 0) {
      throw new IllegalArgumentException(
          "expected 0 < ttl <= maxTtl but were ttl=" + ttl + ", maxTtl=" + maxTtl);
    }
    return audit.change(
        "checkout",
        fullName,
        () -> {
          SecretVersion current =
              core.store()
                  .metadata(fullName)
                  .withStage(Stage.CURRENT)
                  .orElseThrow(() -> new NotFoundException("no such secret: " + fullName));
          byte[] raw = new byte[12];
          RANDOM.nextBytes(raw);
          Instant now = core.clock().instant();
          Checkout lease =
              new Checkout(
                  HexFormat.of().formatHex(raw),
                  fullName,
                  current.version(),
                  now,
                  ttl,
                  maxTtl,
                  now.plus(ttl),
                  false);
          store(lease, 0);
          return lease;
        },
        Checkout::version,
        lease -> {});
  }

  @Override
  public SecretValue read(String id) {
    Stored stored = load(id);
    Checkout lease = stored.lease();
    Instant now = core.clock().instant();
    if (!lease.activeAt(now)) {
      audit.record(
          "checkout.read",
          lease.secret(),
          lease.version(),
          Outcome.DENIED,
          "lease " + id + " " + lease.state(now));
      throw new LeaseExpiredException(
          "lease "
              + id
              + " on '"
              + lease.secret()
              + "' is "
              + lease.state(now)
              + "; check out again");
    }
    StoredSecret value =
        audit.access(
            "checkout.read",
            lease.secret(),
            () ->
                core.readStore(ReadRequest.version(lease.secret(), lease.version()))
                    .orElseThrow(
                        () ->
                            new NotFoundException(
                                "secret '"
                                    + lease.secret()
                                    + "' v"
                                    + lease.version()
                                    + " is gone")),
            s -> s.version().version(),
            s -> s.value().wipe());
    return value.value();
  }

  @Override
  public Checkout renew(String id) {
    Stored stored = load(id);
    Checkout lease = stored.lease();
    Instant now = core.clock().instant();
    if (!lease.activeAt(now)) {
      audit.record("checkout.renew", lease.secret(), lease.version(), Outcome.DENIED, id);
      throw new LeaseExpiredException(
          "lease " + id + " is " + lease.state(now) + " and cannot be renewed; check out again");
    }
    Instant end = now.plus(lease.ttl());
    if (end.isAfter(lease.maxEnd())) {
      end = lease.maxEnd();
    }
    Checkout renewed = lease.withExpires(end);
    return audit.change(
        "checkout.renew",
        lease.secret(),
        () -> {
          store(renewed, stored.storeVersion());
          return renewed;
        },
        Checkout::version,
        r -> {});
  }

  @Override
  public Checkout checkin(String id) {
    Stored stored = load(id);
    if (stored.lease().revoked()) {
      return stored.lease();
    }
    Checkout closed = close(stored, "checkin");
    rotateIfIdle(closed.secret());
    return closed;
  }

  /** Marks the lease of {@code stored} checked in, audited as {@code opName}. */
  private Checkout close(Stored stored, String opName) {
    Checkout lease = stored.lease();
    Checkout revoked = lease.checkedIn();
    return audit.change(
        opName,
        lease.secret(),
        () -> {
          store(revoked, stored.storeVersion());
          return revoked;
        },
        Checkout::version,
        r -> {});
  }

  /**
   * Rotates {@code secret} with its registered rotator, if it has one and no other lease on it is
   * still active (that holder's copy must keep working until its own lease closes, which rotates).
   */
  private void rotateIfIdle(String secret) {
    SecretRotator rotator = rotators.get(secret);
    if (rotator == null) {
      return;
    }
    Instant now = core.clock().instant();
    boolean busy = list().stream().anyMatch(l -> l.secret().equals(secret) && l.activeAt(now));
    if (busy) {
      LOG.debug("not rotating {}: another check-out lease on it is active", secret);
      return;
    }
    audit.change("rotate", secret, () -> core.rotate(secret, rotator), v -> {});
  }

  @Override
  public void requireCheckout(String name, boolean required) {
    String fullName = secretName(name);
    audit.change(
        "checkout.require",
        fullName,
        () -> {
          if (required && core.store().metadata(fullName).withStage(Stage.CURRENT).isEmpty()) {
            throw new NotFoundException("no such secret: " + fullName);
          }
          policy.set(fullName, required);
        });
  }

  @Override
  public Set<String> checkoutOnly() {
    return policy.names();
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a periodic task ends with the room's scheduler
  public Strongroom.Registration rotateOnCheckin(String name, SecretRotator rotator) {
    String fullName = secretName(name);
    Objects.requireNonNull(rotator, "rotator");
    rotators.put(fullName, rotator);
    if (sweepScheduled.compareAndSet(false, true)) {
      long millis = SWEEP_EVERY.toMillis();
      core.scheduler()
          .scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    return () -> rotators.remove(fullName, rotator);
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn(
          "check-out sweep failed ({}); retrying in {}", e.getClass().getSimpleName(), SWEEP_EVERY);
    }
  }

  @Override
  public List<Checkout> sweep() {
    sweepLock.lock(); // not a monitor: the sweep reads and writes the backend
    try {
      return sweepLocked();
    } finally {
      sweepLock.unlock();
    }
  }

  private List<Checkout> sweepLocked() {
    if (rotators.isEmpty()) {
      return List.of();
    }
    Instant now = core.clock().instant();
    List<Checkout> closed = new ArrayList<>();
    Set<String> ended = new TreeSet<>();
    for (Checkout lease : list()) {
      if (!lease.revoked() && !lease.activeAt(now) && rotators.containsKey(lease.secret())) {
        closed.add(close(load(lease.id()), "checkin.expired"));
        ended.add(lease.secret());
      }
    }
    ended.forEach(this::rotateIfIdle);
    return List.copyOf(closed);
  }

  /**
   * Seals lease record {@code id} again under the {@code default} KEK's primary version, as its
   * next store version (key retirement).
   */
  public void reseal(String id) {
    Stored stored = load(id);
    store(stored.lease(), stored.storeVersion());
  }

  @Override
  public Optional<Checkout> find(String id) {
    checkId(id);
    return read0(id).map(Stored::lease);
  }

  @Override
  public List<Checkout> list() {
    List<Checkout> out = new ArrayList<>();
    for (String name : core.store().list(PREFIX).stream().sorted().toList()) {
      String id = name.substring(PREFIX.length());
      if (ID.matcher(id).matches()) {
        read0(id).ifPresent(s -> out.add(s.lease()));
      }
    }
    return List.copyOf(out);
  }

  private Stored load(String id) {
    checkId(id);
    return read0(id).orElseThrow(() -> new NotFoundException("no such lease: " + id));
  }

  private static void checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "expected a lease id of 24 lowercase hex digits but was '" + id + "'");
    }
  }

  private Optional<Stored> read0(String id) {
    return VersionBoundRecords.read(core, PREFIX + id, v -> context(id, v), "lease record " + id)
        .map(
            opened -> {
              try {
                return new Stored(
                    decode(id, new String(opened.plain(), StandardCharsets.UTF_8)),
                    opened.storeVersion());
              } finally {
                Arrays.fill(opened.plain(), (byte) 0);
              }
            });
  }

  private void store(Checkout lease, long expectedVersion) {
    VersionBoundRecords.write(
        core,
        PREFIX + lease.id(),
        encode(lease).getBytes(StandardCharsets.UTF_8),
        expectedVersion,
        v -> context(lease.id(), v),
        "lease record " + lease.id());
  }

  private static EncryptionContext context(String id, long storeVersion) {
    return ReservedContexts.of(
        Map.of(
            "strongroom:checkout", id, "strongroom:record-version", Long.toString(storeVersion)));
  }

  private static String encode(Checkout l) {
    return String.join(
        "\n",
        FORMAT,
        l.id(),
        l.secret(),
        Long.toString(l.version()),
        l.issued().toString(),
        l.ttl().toString(),
        l.maxTtl().toString(),
        l.expires().toString(),
        Boolean.toString(l.revoked()));
  }

  private static Checkout decode(String id, String text) {
    String[] p = text.split("\n", -1);
    if (p.length != 9 || !p[0].equals(FORMAT) || !p[1].equals(id)) {
      throw new TamperedException("lease record " + id + " is not a " + FORMAT + " record");
    }
    try {
      return new Checkout(
          p[1],
          p[2],
          Long.parseLong(p[3]),
          Instant.parse(p[4]),
          Duration.parse(p[5]),
          Duration.parse(p[6]),
          Instant.parse(p[7]),
          Boolean.parseBoolean(p[8]));
    } catch (RuntimeException e) {
      throw new TamperedException("lease record " + id + " does not parse", e);
    }
  }

  private record Stored(Checkout lease, long storeVersion) {}
}
