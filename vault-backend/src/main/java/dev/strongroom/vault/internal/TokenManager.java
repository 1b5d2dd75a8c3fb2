package dev.strongroom.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the Vault token a backend uses, logs in lazily, renews the token with {@code
 * auth/token/renew-self} once two thirds of its TTL have passed (checked on each request, against
 * the injected clock), and logs in again when renewal is refused or the server refuses the token.
 * After such a re-login yields a different token it runs the {@link #onReplaced} listeners: Vault
 * revokes a token's leases with it, so every lease obtained under the old token is (or soon will
 * be) dead.
 *
 * <p>Thread-safe: the state is one immutable snapshot; logins and renewals are serialised.
 * Listeners run on the thread that logged in, while it holds this manager's lock.
 */
public final class TokenManager {
  private static final Logger log = LoggerFactory.getLogger(TokenManager.class);

  private record State(SecretValue token, Instant renewAt, boolean renewable) {}

  private final Login login;
  private final Clock clock;
  private final List<Runnable> replacedListeners = new CopyOnWriteArrayList<>();
  private volatile State state;

  /** A manager for {@code login}. */
  public TokenManager(Login login, Clock clock) {
    this.login = Objects.requireNonNull(login, "login");
    this.clock = Objects.requireNonNull(clock, "clock");
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
    loginAgain(http, current);
    log.info("vault {} login: logged in again after the token was refused", login.method());
    return true;
  }

  /**
   * Runs {@code listener} each time a re-login replaces the token (not on the first login, nor when
   * renew-self extends the token). It must return quickly and not call into Vault.
   */
  public void onReplaced(Runnable listener) {
    replacedListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The login method's name. */
  public String method() {
    return login.method();
  }

  /** Whether this manager's token came from a login it may revoke on close. */
  public boolean ownsToken() {
    return !"token".equals(login.method());
  }

  /** Revokes the current token if this manager obtained it by logging in; best effort. */
  public synchronized void revokeOwnToken(VaultHttp http) {
    State current = state;
    if (current == null || !ownsToken()) {
      return;
    }
    try {
      http.exchange("POST", "auth/token/revoke-self", null, current.token());
    } catch (BackendUnavailableException e) {
      log.debug("vault token revoke-self on close failed: {}", e.getMessage());
    }
    state = null;
  }

  private synchronized State refresh(VaultHttp http, State seen) {
    State current = state;
    if (current != seen) {
      return current;
    }
    if (current == null) {
      state = fromGrant(login.login(http));
      log.debug("vault {} login: token obtained", login.method());
      return state;
    }
    int status = 0;
    if (current.renewable()) {
      VaultHttp.Response response =
          http.exchange("POST", "auth/token/renew-self", VaultHttp.object(), current.token());
      JsonNode auth = response.body().path("auth");
      if (response.ok() && auth.isObject()) {
        Duration ttl = Duration.ofSeconds(auth.path("lease_duration").asLong());
        state = withTtl(current.token(), ttl, auth.path("renewable").asBoolean());
        log.debug("vault token renewed for {}", ttl);
        return state;
      }
      status = response.status();
    }
    log.info(
        "vault token not renewed (HTTP {}); {}",
        status,
        login.canRelogin() ? "logging in again" : "using the token until it expires");
    if (login.canRelogin()) {
      loginAgain(http, current);
    } else {
      state = new State(current.token(), null, false);
    }
    return state;
  }

  /** Logs in in place of {@code old} (may be null) and signals a replaced token. Holds the lock. */
  private void loginAgain(VaultHttp http, State old) {
    State fresh = fromGrant(login.login(http));
    state = fresh;
    if (old != null && !old.token().equalsSecret(fresh.token())) {
      for (Runnable listener : replacedListeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          log.warn("vault token listener threw: {}", e.getClass().getName());
        }
      }
    }
  }

  private State fromGrant(Login.Grant grant) {
    return withTtl(grant.token(), grant.ttl(), grant.renewable());
  }

  private State withTtl(SecretValue token, Duration ttl, boolean renewable) {
    Instant renewAt =
        renewable && !ttl.isZero() ? clock.instant().plus(ttl.multipliedBy(2).dividedBy(3)) : null;
    // A non-renewable token with a TTL is replaced by a fresh login at the same point, if possible.
    if (!renewable && !ttl.isZero() && login.canRelogin()) {
      renewAt = clock.instant().plus(ttl.multipliedBy(2).dividedBy(3));
    }
    return new State(token, renewAt, renewable);
  }
}
