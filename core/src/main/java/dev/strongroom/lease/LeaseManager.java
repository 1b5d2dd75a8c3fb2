package dev.strongroom.lease;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.lease.LeasedCredential.Action;
import dev.strongroom.lease.LeasedCredential.State;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps leased credentials alive: renews them, replaces them before they run out, and revokes them
 * all on {@link #close()}.
 *
 * <p>Thread-safe. Renewal, rotation and expiry run on the manager's scheduler: by default one
 * daemon thread named {@code strongroom-lease} that the manager owns and stops on close, or a
 * {@link ScheduledExecutorService} passed to the {@link Builder} (not shut down by the manager).
 * Listeners are called on that scheduler thread, except REVOKED, which is delivered on the thread
 * that revokes.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>Each credential has at most one scheduled task. It fires at the sooner of the next action
 *       (renew or rotate) and the end of the lease; on firing it expires the credential if its end
 *       has passed, then performs the action if due, then schedules the next one.
 *   <li>Renewal is planned at {@code renewFraction} (2/3 by default) of the TTL the backend
 *       <em>granted</em>, less up to {@code jitter} of that, so a fleet does not renew in lockstep.
 *       Each renewal asks for the TTL first granted.
 *   <li>The credential is re-acquired (rotated) when the lease is not renewable, when the backend
 *       refuses to renew ({@link LeaseExpiredException}), when a renewal grants less than it asked
 *       for (the backend capped it at the maximum TTL, which Vault does not report: the rotation is
 *       then planned a third of the first TTL before that grant ends), or when the next renewal
 *       would leave less than that third before a known maximum TTL. The new credential replaces
 *       the old one; the old lease stays valid for an overlap window (the smallest of {@code
 *       rotationOverlap}, default 60 s, a quarter of the first TTL, and half of what is left of the
 *       old lease), so that connections opened under it finish their work, and is then revoked and
 *       its values wiped. After a provider's credentials reset, or once the old lease has ended, it
 *       is revoked at once. Leases still in their overlap are revoked on {@link #close()}.
 *   <li>Any other failure is retried after an exponential backoff with equal jitter, capped at
 *       {@code maxBackoff}; retries never postpone the expiry. An expired credential keeps trying
 *       to rotate, so it comes back after an outage; reads fail in between.
 *   <li>Reads check the clock themselves: a credential is never handed out at or after its end,
 *       whether or not the scheduler has run.
 *   <li>Provider calls are made without holding the credential's lock; a result that arrives after
 *       the credential was revoked is revoked and wiped in turn.
 *   <li>The manager registers once with each provider it acquires from for {@link
 *       LeaseProvider#onCredentialsReset}: on that signal every live credential from that provider
 *       is rotated at once, as after a refused renewal, and from that signal until its replacement
 *       is adopted a read of it fails with {@link LeaseExpiredException} (the dead values are never
 *       handed out). Each provider has a reset count; a renewal or rotation whose provider call
 *       overlapped a reset rotates again at once, since its result may belong to the invalidated
 *       set. It also registers for {@link LeaseProvider#onCredentialsRetiring}: on that signal the
 *       live credentials are rotated at once with the usual overlap, their values still readable
 *       until the replacement is adopted.
 * </ul>
 */
public final class LeaseManager implements AutoCloseable {
  static final String VALUE_FIELD = "value";
  private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);

  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final double renewFraction;
  private final double jitter;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final RandomGenerator random; // guarded by itself
  private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
  private final Set<LeasedCredential> live = ConcurrentHashMap.newKeySet();
  private final Map<LeaseProvider, AtomicLong> resets = new ConcurrentHashMap<>();
  private final Duration rotationOverlap;
  private final Map<LeasedSecret, Retiring> retiring = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LeaseManager(Builder b) {
    this.clock = b.clock;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? defaultScheduler() : b.scheduler;
    this.renewFraction = b.renewFraction;
    this.jitter = b.jitter;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.random = b.random;
    this.rotationOverlap = b.rotationOverlap;
  }

  /** A manager with the defaults: system clock, own scheduler thread, renewal at 2/3 of the TTL. */
  public static LeaseManager create() {
    return builder().build();
  }

  /** A builder for a manager with a different clock, scheduler, timing or random source. */
  public static Builder builder() {
    return new Builder();
  }

  /** Registers a listener for events of every credential of this manager. */
  public void addListener(LeaseListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Unregisters a listener; returns whether it was registered. */
  public boolean removeListener(LeaseListener listener) {
    return listeners.remove(listener);
  }

  /**
   * Acquires a credential from {@code provider} at {@code path} on the calling thread and keeps it
   * alive until it is revoked or this manager is closed.
   *
   * @throws IllegalStateException if the manager is closed
   * @throws dev.strongroom.exception.StrongroomException what the provider throws
   */
  public LeasedCredential acquire(LeaseProvider provider, String path) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(path, "path");
    checkOpen();
    long epoch = watch(provider);
    return register(
        new LeasedCredential(this, provider, path, true, provider.acquire(path)), epoch);
  }

  /**
   * Issues a lease on a copy of {@code value}: just-in-time access to a static secret. The manager
   * renews it up to {@code maxTtl}, then it expires and the copy is wiped; {@link
   * LeasedCredential#revoke()} ends it early. The caller keeps (and may wipe) its own value.
   *
   * @param name a name for events and messages (not secret)
   */
  public LeasedCredential issue(String name, SecretValue value, Duration ttl, Duration maxTtl) {
    Objects.requireNonNull(value, "value");
    byte[] copy = value.copyBytes();
    try {
      SecretValue owned = SecretValue.of(copy);
      return issue(name, () -> owned, ttl, maxTtl);
    } finally {
      java.util.Arrays.fill(copy, (byte) 0);
    }
  }

  /**
   * Issues a lease on the value {@code supplier} returns (called once, on this thread); the lease
   * owns that value and wipes it when the lease ends or is revoked. Otherwise as {@link
   * #issue(String, SecretValue, Duration, Duration)}.
   */
  public LeasedCredential issue(
      String name, Supplier<SecretValue> supplier, Duration ttl, Duration maxTtl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    if (ttl.isNegative() || ttl.isZero() || maxTtl.compareTo(ttl) < 0) {
      throw new IllegalArgumentException(
          "expected 0 < ttl <= maxTtl but were ttl=" + ttl + ", maxTtl=" + maxTtl);
    }
    checkOpen();
    byte[] idBytes = new byte[12];
    synchronized (random) {
      random.nextBytes(idBytes);
    }
    String leaseId = "strongroom/issued/" + name + "/" + HexFormat.of().formatHex(idBytes);
    LeaseProvider provider = new IssuedLeaseProvider(clock, leaseId, supplier, ttl, maxTtl);
    return register(new LeasedCredential(this, provider, name, false, provider.acquire(name)), 0);
  }

  /** The number of credentials this manager keeps alive (not yet revoked). */
  public int size() {
    return live.size();
  }

  /**
   * Revokes every credential (wiping its values; REVOKED events on this thread) and stops the
   * manager's own scheduler. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (LeasedCredential credential : List.copyOf(live)) {
      revoke(credential);
    }
    for (LeasedSecret old : List.copyOf(retiring.keySet())) {
      retire(old);
    }
    if (ownsScheduler) {
      scheduler.shutdown();
    }
  }

  @Override
  public String toString() {
    return "LeaseManager[credentials=" + live.size() + (closed ? ", closed" : "") + "]";
  }

  Instant now() {
    return clock.instant();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("expected an open lease manager but it was closed");
    }
  }

  /** Registers for the provider's reset signal once; returns its reset count. */
  private long watch(LeaseProvider provider) {
    AtomicLong fresh = new AtomicLong();
    AtomicLong epoch = resets.putIfAbsent(provider, fresh);
    if (epoch == null) {
      provider.onCredentialsReset(() -> credentialsReset(provider));
      provider.onCredentialsRetiring(() -> credentialsRetiring(provider));
      return 0;
    }
    return epoch.get();
  }

  private long resetEpoch(LeaseProvider provider) {
    AtomicLong epoch = resets.get(provider);
    return epoch == null ? 0 : epoch.get();
  }

  /** Every lease {@code provider} issued so far is dead: rotate its live credentials now. */
  private void credentialsReset(LeaseProvider provider) {
    resets.get(provider).incrementAndGet();
    LOG.info("lease provider reset its credentials; rotating its leases");
    for (LeasedCredential c : live) {
      if (c.provider != provider || !c.rotatable) {
        continue;
      }
      synchronized (c) {
        if (c.state != State.REVOKED) {
          Instant now = clock.instant();
          c.resetSinceGrant = true;
          rotateNow(c, now);
          schedule(c, now);
        }
      }
    }
  }

  /**
   * Every lease {@code provider} issued so far is still valid but will die soon: replace its live
   * credentials now, with the usual overlap (reads keep getting the old values until then).
   */
  private void credentialsRetiring(LeaseProvider provider) {
    LOG.info("lease provider retires its credentials; replacing its leases");
    for (LeasedCredential c : live) {
      if (c.provider != provider || !c.rotatable) {
        continue;
      }
      synchronized (c) {
        if (c.state != State.REVOKED && c.action != Action.ROTATE) {
          Instant now = clock.instant();
          rotateNow(c, now);
          schedule(c, now);
        }
      }
    }
  }

  /** Plans an immediate rotation. Caller holds the lock. */
  private static void rotateNow(LeasedCredential c, Instant now) {
    c.failures = 0;
    c.action = Action.ROTATE;
    c.dueAt = now;
  }

  /**
   * Plans the next action after a grant obtained while the provider's reset count was {@code
   * epoch}: an immediate rotation if a reset came in between. Caller holds the lock.
   */
  private void plan(LeasedCredential c, Instant now, long epoch) {
    if (c.rotatable && resetEpoch(c.provider) != epoch) {
      rotateNow(c, now);
    } else {
      planAfterGrant(c, now);
    }
  }

  private LeasedCredential register(LeasedCredential credential, long epoch) {
    live.add(credential);
    synchronized (credential) {
      Instant now = clock.instant();
      plan(credential, now, epoch);
      schedule(credential, now);
    }
    if (closed) {
      revoke(credential);
      checkOpen();
    }
    return credential;
  }

  void revoke(LeasedCredential c) {
    LeasedSecret secret;
    Lease lease;
    synchronized (c) {
      if (c.state == State.REVOKED) {
        return;
      }
      c.state = State.REVOKED;
      cancelTask(c);
      secret = c.secret;
      lease = c.lease;
    }
    live.remove(c);
    retiring.forEach(
        (old, entry) -> {
          if (entry.credential == c) {
            retire(old);
          }
        });
    List<LeaseEvent> events = new ArrayList<>(2);
    try {
      c.provider.revoke(lease.id());
    } catch (RuntimeException e) {
      LOG.warn("could not revoke lease {} on {}: {}", lease.id(), c.path, e.getClass().getName());
      events.add(LeaseEvent.failed(c.path, lease, clock.instant(), e));
    } finally {
      secret.wipe();
    }
    events.add(LeaseEvent.of(LeaseEvent.Type.REVOKED, c.path, lease, clock.instant()));
    fire(events);
  }

  private void run(LeasedCredential c) {
    List<LeaseEvent> events = new ArrayList<>(2);
    LeasedSecret expired = null;
    Action action;
    Lease current;
    long epoch;
    synchronized (c) {
      c.task = null;
      epoch = resetEpoch(c.provider);
      if (c.state == State.REVOKED) {
        return;
      }
      Instant now = clock.instant();
      if (c.state == State.ACTIVE && !now.isBefore(c.end())) {
        c.state = State.EXPIRED;
        expired = c.secret;
        events.add(LeaseEvent.of(LeaseEvent.Type.EXPIRED, c.path, c.lease, now));
        if (!c.rotatable) {
          c.action = Action.NONE;
        } else if (c.action != Action.ROTATE) {
          c.action = Action.ROTATE;
          c.dueAt = c.failures > 0 ? c.dueAt : now;
        }
      }
      action = c.action != Action.NONE && !now.isBefore(c.dueAt) ? c.action : Action.NONE;
      current = c.lease;
      if (action == Action.NONE) {
        schedule(c, now);
      }
    }
    if (expired != null) {
      expired.wipe();
    }
    if (action == Action.RENEW) {
      renew(c, current, events, epoch);
    } else if (action == Action.ROTATE) {
      rotate(c, current, events, epoch);
    }
    fire(events);
  }

  private void renew(LeasedCredential c, Lease current, List<LeaseEvent> events, long epoch) {
    Lease granted;
    try {
      granted = c.provider.renew(current.id(), c.firstTtl);
    } catch (LeaseExpiredException e) {
      synchronized (c) {
        Instant now = clock.instant();
        if (c.state != State.REVOKED) {
          events.add(LeaseEvent.failed(c.path, current, now, e));
          c.failures = 0;
          c.action = c.rotatable ? Action.ROTATE : Action.NONE;
          c.dueAt = now;
          schedule(c, now);
        }
      }
      return;
    } catch (RuntimeException e) {
      retryLater(c, current, e, events);
      return;
    }
    synchronized (c) {
      Instant now = clock.instant();
      if (c.state == State.REVOKED) {
        return;
      }
      c.lease = granted;
      events.add(LeaseEvent.of(LeaseEvent.Type.RENEWED, c.path, granted, now));
      // A grant shorter than asked means the backend capped it at the lease's maximum TTL (which
      // Vault does not report): its end is the hard end, so rotate while the last third of the
      // first TTL is still left before it.
      if (c.rotatable && granted.ttl().compareTo(c.firstTtl) < 0) {
        c.failures = 0;
        c.action = Action.ROTATE;
        Instant rotateAt = granted.expiresAt().minus(minUseful(c));
        c.dueAt = rotateAt.isAfter(now) ? rotateAt : now;
        if (resetEpoch(c.provider) != epoch) {
          c.dueAt = now;
        }
      } else {
        plan(c, now, epoch);
      }
      schedule(c, now);
    }
  }

  private void rotate(LeasedCredential c, Lease current, List<LeaseEvent> events, long epoch) {
    LeasedSecret fresh;
    try {
      fresh = c.provider.acquire(c.path);
    } catch (RuntimeException e) {
      retryLater(c, current, e, events);
      return;
    }
    LeasedSecret old = null;
    Duration overlap = Duration.ZERO;
    synchronized (c) {
      if (c.state != State.REVOKED) {
        Instant now = clock.instant();
        old = c.secret;
        overlap = c.resetSinceGrant || c.state != State.ACTIVE ? Duration.ZERO : overlap(c, now);
        c.adopt(fresh);
        // A grant whose acquire overlapped a reset may belong to the invalidated set: it is
        // refused to readers like the dead one until the rotation planned below replaces it.
        c.resetSinceGrant = c.rotatable && resetEpoch(c.provider) != epoch;
        events.add(LeaseEvent.of(LeaseEvent.Type.ROTATED, c.path, c.lease, now));
        plan(c, now, epoch);
        schedule(c, now);
      }
    }
    if (old == null) {
      revokeReplaced(c, fresh); // revoked meanwhile: the fresh lease is not wanted
    } else if (overlap.isZero() || closed) {
      revokeReplaced(c, old);
    } else {
      Retiring entry = new Retiring(c);
      retiring.put(old, entry);
      LeasedSecret replaced = old;
      try {
        entry.task =
            scheduler.schedule(() -> retire(replaced), overlap.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        retire(replaced);
      }
      if (closed || c.state == State.REVOKED) {
        retire(replaced);
      }
    }
  }

  /**
   * How long a replaced lease stays valid: the smallest of the overlap setting, a quarter of the
   * first TTL and half of what is left of the lease. Caller holds the lock, before adopting the new
   * lease.
   */
  private Duration overlap(LeasedCredential c, Instant now) {
    Duration overlap = scale(c.firstTtl, 0.25);
    if (rotationOverlap.compareTo(overlap) < 0) {
      overlap = rotationOverlap;
    }
    Duration left = Duration.between(now, c.lease.expiresAt()).dividedBy(2);
    if (left.compareTo(overlap) < 0) {
      overlap = left;
    }
    return overlap.isNegative() ? Duration.ZERO : overlap;
  }

  /** Revokes a replaced lease whose overlap ended, once. */
  private void retire(LeasedSecret old) {
    Retiring entry = retiring.remove(old);
    if (entry != null) {
      java.util.concurrent.Future<?> task = entry.task;
      if (task != null) {
        task.cancel(false);
      }
      revokeReplaced(entry.credential, old);
    }
  }

  /** A replaced lease in its overlap window, and the task that will revoke it. */
  private static final class Retiring {
    final LeasedCredential credential;
    volatile java.util.concurrent.Future<?> task;

    Retiring(LeasedCredential credential) {
      this.credential = credential;
    }
  }

  private void revokeReplaced(LeasedCredential c, LeasedSecret retired) {
    try {
      c.provider.revoke(retired.lease().id());
    } catch (RuntimeException e) {
      LOG.debug(
          "could not revoke replaced lease {} on {}: {}",
          retired.lease().id(),
          c.path,
          e.getClass().getName());
    } finally {
      retired.wipe();
    }
  }

  private void retryLater(
      LeasedCredential c, Lease current, RuntimeException e, List<LeaseEvent> events) {
    LOG.debug(
        "lease {} on {}: {} failed with {}",
        current.id(),
        c.path,
        c.action,
        e.getClass().getName());
    synchronized (c) {
      if (c.state == State.REVOKED) {
        return;
      }
      Instant now = clock.instant();
      events.add(LeaseEvent.failed(c.path, current, now, e));
      c.failures++;
      c.dueAt = now.plus(backoff(c.failures));
      schedule(c, now);
    }
  }

  /** Plans the next action after a grant. Caller holds the lock. */
  private void planAfterGrant(LeasedCredential c, Instant now) {
    c.failures = 0;
    Lease lease = c.lease;
    Instant renewAt =
        lease.issuedAt().plus(scale(lease.ttl(), renewFraction * (1 - jitter * nextDouble())));
    if (renewAt.isBefore(now)) {
      renewAt = now;
    }
    c.dueAt = renewAt;
    if (c.rotatable) {
      boolean useful =
          lease.renewable()
              && (c.maxEnd == null
                  || Duration.between(renewAt, c.maxEnd).compareTo(minUseful(c)) >= 0);
      c.action = useful ? Action.RENEW : Action.ROTATE;
    } else {
      boolean canGrow = c.maxEnd == null || c.maxEnd.isAfter(lease.expiresAt());
      c.action = lease.renewable() && canGrow ? Action.RENEW : Action.NONE;
    }
  }

  /** Schedules the credential's task. Caller holds the lock. */
  private void schedule(LeasedCredential c, Instant now) {
    cancelTask(c);
    if (c.state == State.REVOKED) {
      return;
    }
    Instant at = c.action == Action.NONE ? null : c.dueAt;
    if (c.state == State.ACTIVE) {
      Instant end = c.end();
      at = at == null || end.isBefore(at) ? end : at;
    }
    if (at == null) {
      return;
    }
    long nanos = saturatedNanos(Duration.between(now, at));
    c.task = scheduler.schedule(() -> run(c), nanos, TimeUnit.NANOSECONDS);
  }

  private static void cancelTask(LeasedCredential c) {
    if (c.task != null) {
      c.task.cancel(false);
      c.task = null;
    }
  }

  private Duration minUseful(LeasedCredential c) {
    return scale(c.firstTtl, 1 - renewFraction);
  }

  private Duration backoff(int failures) {
    Duration base = minBackoff;
    for (int i = 1; i < failures && base.compareTo(maxBackoff) < 0; i++) {
      base = base.multipliedBy(2);
    }
    if (base.compareTo(maxBackoff) > 0) {
      base = maxBackoff;
    }
    return scale(base, 0.5 + 0.5 * nextDouble());
  }

  private double nextDouble() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  private void fire(List<LeaseEvent> events) {
    for (LeaseEvent event : events) {
      for (LeaseListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          LOG.warn("lease listener threw on {}: {}", event.type(), e.getClass().getName());
        }
      }
    }
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofMillis((long) (d.toMillis() * factor));
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE / 2 : d.toNanos();
  }

  private static ScheduledExecutorService defaultScheduler() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "strongroom-lease");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  /**
   * Configures a {@link LeaseManager}. Every setting has a default.
   *
   * <p>Not thread-safe; use from one thread.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private double renewFraction = 2.0 / 3.0;
    private double jitter = 0.1;
    private Duration minBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private RandomGenerator random = new java.security.SecureRandom();
    private Duration rotationOverlap = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * How long, at most, a lease replaced by a rotation stays valid before it is revoked, so that
     * connections opened under it can finish (a quarter of the first TTL and the old lease's own
     * end and half of what is left of the old lease bound it further). Zero revokes at once.
     * Default: 60 s.
     */
    public Builder rotationOverlap(Duration rotationOverlap) {
      Objects.requireNonNull(rotationOverlap, "rotationOverlap");
      if (rotationOverlap.isNegative()) {
        throw new IllegalArgumentException(
            "expected a rotation overlap >= 0 but was " + rotationOverlap);
      }
      this.rotationOverlap = rotationOverlap;
      return this;
    }

    /** The clock for lease ends and renewal times. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The executor to run renewals and listeners on; the manager does not shut it down. Its delays
     * are taken to elapse in step with the clock. Default: one daemon thread owned by the manager.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The fraction of the granted TTL after which to renew, in (0, 1). Default: 2/3. */
    public Builder renewFraction(double renewFraction) {
      if (!(renewFraction > 0 && renewFraction < 1)) {
        throw new IllegalArgumentException(
            "expected a renew fraction in (0, 1) but was " + renewFraction);
      }
      this.renewFraction = renewFraction;
      return this;
    }

    /** The largest share of the renewal delay to take off at random, in [0, 1). Default: 0.1. */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("expected a jitter in [0, 1) but was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * The first retry delay after a failure and the cap the doubling delay stops at. Default: 1 s
     * and 1 min.
     */
    public Builder backoff(Duration first, Duration cap) {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(cap, "cap");
      if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "expected 0 < first <= cap but were " + first + ", " + cap);
      }
      this.minBackoff = first;
      this.maxBackoff = cap;
      return this;
    }

    /** The random source for jitter and issued lease ids. Default: a {@code SecureRandom}. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Builds the manager. */
    public LeaseManager build() {
      return new LeaseManager(this);
    }
  }
}
