package dev.strongroom.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.StrongroomException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the Vault token a backend uses and keeps it alive in the background.
 *
 * <p>Design:
 *
 * <ul>
 *   <li>The first request logs in. From then on, once {@link #start} has given it a scheduler, one
 *       task at a time runs at the sooner of the planned renewal and the next check.
 *   <li>Renewal ({@code auth/token/renew-self}, asking for the TTL the login granted) is planned at
 *       {@link #RENEW_FRACTION} of the granted TTL less a random jitter of up to {@link #JITTER} of
 *       it, so a fleet does not renew in lockstep. A renewal granting less than asked means the
 *       token is capped by its max TTL: a method that can log in again plans a fresh login at the
 *       same fraction of what is left (before the old token dies) and signals {@link #onRetiring};
 *       a plain token is reported (a WARN naming its end) and used until it expires. A
 *       non-renewable token with a TTL is replaced by a fresh login at the same point.
 *   <li>Between renewals a {@code auth/token/lookup-self} every {@code checkInterval} notices a
 *       token revoked out of band. A refused lookup or renewal (401/403) means the token is dead:
 *       the {@link #onReplaced} listeners run at once (every lease created under the token died
 *       with it), then the manager logs in again if the method can; if not it reports the dead
 *       token and stops checking.
 *   <li>Requests still check the renewal time themselves and renew on the request thread if the
 *       background task is late; a request refused with 403 logs in again ({@link #relogin}).
 *   <li>A failed check or renewal for any other reason (server down) is retried at the next check;
 *       the token is kept.
 * </ul>
 *
 * <p>Log lines and exceptions name the login method and mount, never the token.
 *
 * <p>Thread-safe: the state is one immutable snapshot; logins, renewals and checks are serialised
 * on this manager's lock. Listeners run on the thread that noticed the change, holding the lock.
 */
public final class TokenManager {
  private static final Logger log = LoggerFactory.getLogger(TokenManager.class);

  /** Renewal is planned at this fraction of the granted TTL... */
  public static final double RENEW_FRACTION = 2.0 / 3.0;

  /** ...less a random part of up to this fraction of the TTL. */
  public static final double JITTER = 0.1;

  /** The default bound on noticing a token revoked out of band. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);

  /**
   * A token and its plan.
   *
   * @param asked the TTL asked at each renewal (the first grant's), zero if it does not expire
   * @param renewAt when to renew or log in again, null if never
   * @param expiresAt when the token expires (by the last grant), null if it does not
   * @param reloginNext whether the next due step is a fresh login (the token is near its max TTL)
   * @param dead whether the server refused the token and no login can replace it
   */
  private record State(
      SecretValue token,
      boolean renewable,
      Duration asked,
      Instant renewAt,
      Instant expiresAt,
      boolean reloginNext,
      boolean dead) {}

  /** What the manager knows of its token now; no secret. For tests and health reporting. */
  public record Status(
      boolean loggedIn,
      boolean renewable,
      Instant renewAt,
      Instant expiresAt,
      boolean reloginNext,
      boolean dead) {}

  private final Login login;
  private final Clock clock;
  private final Duration checkInterval;
  private final RandomGenerator random; // guarded by this
  private final List<Runnable> replacedListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> retiringListeners = new CopyOnWriteArrayList<>();
  private volatile State state;
  private volatile ScheduledExecutorService scheduler;
  private ScheduledFuture<?> task; // guarded by this
  private VaultHttp taskHttp; // guarded by this
  private boolean closed; // guarded by this

  /** A manager for {@code login} checking every {@link #DEFAULT_CHECK_INTERVAL}. */
  public TokenManager(Login login, Clock clock) {
    this(login, clock, DEFAULT_CHECK_INTERVAL, RandomGenerator.getDefault());
  }

  /**
   * A manager for {@code login} that looks its token up every {@code checkInterval} and jitters
   * renewals with {@code random}.
   */
  public TokenManager(Login login, Clock clock, Duration checkInterval, RandomGenerator random) {
    this.login = Objects.requireNonNull(login, "login");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException(
          "expected a positive token check interval but was " + checkInterval);
    }
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Runs the background renewal and checks on {@code scheduler}, calling Vault through {@code
   * http}, from the first login on (now, if already logged in). Call once.
   */
  public synchronized void start(ScheduledExecutorService scheduler, VaultHttp http) {
    if (this.scheduler != null) {
      throw new IllegalStateException("expected a token manager not yet started");
    }
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.taskHttp = Objects.requireNonNull(http, "http");
    if (state != null) {
      arm(clock.instant());
    }
  }

  /** The token to use now, logging in or renewing first if due. */
  public SecretValue token(VaultHttp http) {
    State current = state;
    if (current == null
        || (current.renewAt() != null && !clock.instant().isBefore(current.renewAt()))) {
      current = refresh(http, current);
    }
    return current.token();
  }

  /**
   * Logs in again after {@code refused} was refused, unless another thread already did; returns
   * whether a different token is now in use.
   */
  public synchronized boolean relogin(VaultHttp http, SecretValue refused) {
    State current = state;
    if (current != null && current.token() != refused) {
      return true;
    }
    if (!login.canRelogin()) {
      return false;
    }
    loginAgain(http, current, true);
    log.info("{}: logged in again after the token was refused", where());
    return true;
  }

  /**
   * Runs {@code listener} each time the token dies or is replaced while the leases created under it
   * may be dead: when the server refuses it (revoked out of band, expired) and after a re-login
   * replaced it for that reason. It must return quickly and not call into Vault.
   */
  public void onReplaced(Runnable listener) {
    replacedListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Runs {@code listener} each time a planned login replaces a token that is still valid but near
   * its max TTL: the leases created under it die when it expires. It must return quickly and not
   * call into Vault.
   */
  public void onRetiring(Runnable listener) {
    retiringListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The login method's name. */
  public String method() {
    return login.method();
  }

  /** What the manager knows of its token now. */
  public Status status() {
    State s = state;
    if (s == null) {
      return new Status(false, false, null, null, false, false);
    }
    return new Status(true, s.renewable(), s.renewAt(), s.expiresAt(), s.reloginNext(), s.dead());
  }

  /** Whether this manager's token came from a login it may revoke on close. */
  public boolean ownsToken() {
    return !"token".equals(login.method());
  }

  /**
   * Stops the background task and revokes the current token if this manager obtained it by logging
   * in; best effort.
   */
  public synchronized void revokeOwnToken(VaultHttp http) {
    closed = true;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    State current = state;
    if (current == null || !ownsToken()) {
      return;
    }
    try {
      http.exchange("POST", "auth/token/revoke-self", null, current.token());
    } catch (StrongroomException e) {
      log.debug("{}: revoke-self on close failed ({})", where(), e.getClass().getSimpleName());
    }
    state = null;
  }

  /** One background step: renew or log in if due, otherwise look the token up; then re-arm. */
  void tick() {
    VaultHttp http;
    State seen;
    synchronized (this) {
      task = null;
      if (closed) {
        return;
      }
      http = taskHttp;
      seen = state;
    }
    try {
      if (seen != null && !seen.dead()) {
        if (seen.renewAt() != null && !clock.instant().isBefore(seen.renewAt())) {
          refresh(http, seen);
        } else {
          check(http, seen);
        }
      }
    } catch (RuntimeException e) {
      log.warn(
          "{}: background token step failed ({}); retrying in {}",
          where(),
          e.getClass().getSimpleName(),
          checkInterval);
    } finally {
      synchronized (this) {
        if (!closed && task == null) {
          arm(clock.instant());
        }
      }
    }
  }

  /** Schedules the next step: the sooner of the renewal and the next check. Holds the lock. */
  private void arm(Instant now) {
    ScheduledExecutorService s = scheduler;
    State current = state;
    if (s == null || closed || current == null || current.dead()) {
      return;
    }
    if (task != null) {
      task.cancel(false);
    }
    Duration delay = checkInterval;
    if (current.renewAt() != null) {
      Duration untilRenew = Duration.between(now, current.renewAt());
      if (untilRenew.isNegative()) {
        untilRenew = Duration.ZERO;
      }
      if (untilRenew.compareTo(delay) < 0) {
        delay = untilRenew;
      }
    }
    try {
      task = s.schedule(this::tick, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      task = null; // the scheduler is shutting down with the backend
    }
  }

  /** Looks the token up; a refusal means it is dead. */
  private void check(VaultHttp http, State seen) {
    VaultHttp.Response response =
        http.exchange("GET", "auth/token/lookup-self", null, seen.token());
    if (refused(response)) {
      died(http, seen, "lookup-self", response.status());
    } else if (!response.ok()) {
      log.debug("{}: token lookup answered HTTP {}", where(), response.status());
    }
  }

  private static boolean refused(VaultHttp.Response response) {
    return response.status() == 401 || response.status() == 403;
  }

  /** The server refused {@code seen}: signal, then log in again if the method can. */
  @SuppressWarnings("ReferenceEquality") // which State object: identity is the point
  private synchronized void died(VaultHttp http, State seen, String call, int status) {
    if (state != seen) {
      return; // replaced meanwhile
    }
    log.warn(
        "{}: the server refused the token at {} (HTTP {}): revoked or expired; leases created"
            + " under it are invalid",
        where(),
        call,
        status);
    signal(replacedListeners);
    if (login.canRelogin()) {
      loginAgain(http, seen, false);
      log.info("{}: logged in again after the token died", where());
    } else {
      state =
          new State(
              seen.token(), false, seen.asked(), null, seen.expiresAt(), false, /* dead= */ true);
      log.warn("{}: a fixed token cannot be replaced; requests will be refused", where());
    }
  }

  @SuppressWarnings("ReferenceEquality") // which State object: identity is the point
  private synchronized State refresh(VaultHttp http, State seen) {
    State current = state;
    if (current != seen) {
      return current;
    }
    if (current == null) {
      state = fromGrant(login.login(http));
      log.debug("{}: token obtained", where());
      arm(clock.instant());
      return state;
    }
    if (current.dead() || current.renewAt() == null) {
      return current;
    }
    if (current.reloginNext()) {
      planned(http, current);
      return state;
    }
    int status = 0;
    if (current.renewable()) {
      com.fasterxml.jackson.databind.node.ObjectNode body = VaultHttp.object();
      if (!current.asked().isZero()) {
        body.put("increment", current.asked().toSeconds());
      }
      VaultHttp.Response response =
          http.exchange("POST", "auth/token/renew-self", body, current.token());
      JsonNode auth = response.body().path("auth");
      if (response.ok() && auth.isObject()) {
        Duration granted = Duration.ofSeconds(auth.path("lease_duration").asLong());
        boolean renewable = auth.path("renewable").asBoolean();
        Instant now = clock.instant();
        boolean capped = !current.asked().isZero() && granted.compareTo(current.asked()) < 0;
        Instant expiresAt = granted.isZero() ? null : now.plus(granted);
        if (capped && login.canRelogin()) {
          state =
              new State(
                  current.token(),
                  renewable,
                  current.asked(),
                  planAt(now, granted),
                  expiresAt,
                  true,
                  false);
          log.info(
              "{}: token renewed for {} only (its max TTL): a fresh login is planned before it"
                  + " expires",
              where(),
              granted);
        } else if (capped || !renewable) {
          state =
              new State(current.token(), renewable, current.asked(), null, expiresAt, false, false);
          log.warn(
              "{}: the token cannot be renewed past {} and this method cannot log in again;"
                  + " requests will be refused after that",
              where(),
              expiresAt);
        } else {
          state = withTtl(current.token(), granted, true, current.asked());
          log.debug("{}: token renewed for {}", where(), granted);
        }
        arm(now);
        return state;
      }
      status = response.status();
      if (refused(response)) {
        died(http, current, "renew-self", status);
        return state;
      }
    }
    if (login.canRelogin()) {
      log.info("{}: token not renewed (HTTP {}); logging in again", where(), status);
      planned(http, current);
    } else {
      log.warn(
          "{}: token not renewed (HTTP {}); using it until it expires at {}",
          where(),
          status,
          current.expiresAt());
      state =
          new State(
              current.token(), false, current.asked(), null, current.expiresAt(), false, false);
    }
    return state;
  }

  /** A planned fresh login while {@code old} is still valid. Holds the lock. */
  private void planned(VaultHttp http, State old) {
    State fresh = fromGrant(login.login(http));
    state = fresh;
    if (!old.token().equalsSecret(fresh.token())) {
      signal(retiringListeners);
    }
    arm(clock.instant());
  }

  /** Logs in in place of {@code old} (may be null) and signals a replaced token. Holds the lock. */
  private void loginAgain(VaultHttp http, State old, boolean signal) {
    State fresh = fromGrant(login.login(http));
    state = fresh;
    if (signal && old != null && !old.token().equalsSecret(fresh.token())) {
      signal(replacedListeners);
    }
    arm(clock.instant());
  }

  private void signal(List<Runnable> listeners) {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("{}: token listener threw {}", where(), e.getClass().getName());
      }
    }
  }

  private State fromGrant(Login.Grant grant) {
    return withTtl(grant.token(), grant.ttl(), grant.renewable(), grant.ttl());
  }

  private State withTtl(SecretValue token, Duration ttl, boolean renewable, Duration asked) {
    Instant now = clock.instant();
    Instant expiresAt = ttl.isZero() ? null : now.plus(ttl);
    Instant renewAt = null;
    // A non-renewable token with a TTL is replaced by a fresh login at the same point, if possible.
    if (!ttl.isZero() && (renewable || login.canRelogin())) {
      renewAt = planAt(now, ttl);
    }
    return new State(token, renewable, asked, renewAt, expiresAt, !renewable, false);
  }

  /** {@code now} plus the renew fraction of {@code ttl} less up to the jitter fraction of it. */
  private synchronized Instant planAt(Instant now, Duration ttl) {
    double fraction = RENEW_FRACTION - JITTER * random.nextDouble();
    return now.plusNanos((long) (ttl.toNanos() * fraction));
  }

  private String where() {
    String mount = login.mount();
    return "vault " + login.method() + " login" + (mount.isEmpty() ? "" : " at mount " + mount);
  }
}
