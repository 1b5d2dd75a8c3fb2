package dev.strongroom.lease;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import dev.strongroom.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-test lease backend whose answers the test chooses, and which records every grant. */
final class FakeLeaseProvider implements LeaseProvider {
  static final String CANARY = "CANARY-pw-7f3e9a";

  enum Renewal {
    OK,
    SHORT,
    REFUSED,
    ERROR
  }

  /** One lease the backend granted. */
  static final class Grant {
    final String id;
    final String path;
    final String password;
    final SecretValue value;
    final Instant maxEnd; // null if no max TTL
    Instant end;
    Instant revokedAt;
    int renewals;
    int failedRenewals;

    Grant(String id, String path, String password, SecretValue value, Instant end, Instant maxEnd) {
      this.id = id;
      this.path = path;
      this.password = password;
      this.value = value;
      this.end = end;
      this.maxEnd = maxEnd;
    }
  }

  private final TestClock clock;
  Duration ttl = Duration.ofSeconds(60);
  Duration maxTtl = Duration.ZERO;
  Duration shortGrant = Duration.ofSeconds(5);
  boolean renewable = true;
  Renewal renewal = Renewal.OK;
  boolean acquireFails;
  Runnable onAcquire = () -> {};
  final Map<String, Grant> grants = new LinkedHashMap<>();
  final Map<String, Integer> failedAcquires = new LinkedHashMap<>();
  final List<Runnable> resetListeners = new CopyOnWriteArrayList<>();
  private int counter;

  FakeLeaseProvider(TestClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized LeasedSecret acquire(String path) {
    onAcquire.run();
    if (acquireFails) {
      failedAcquires.merge(path, 1, Integer::sum);
      throw new BackendUnavailableException("fake backend down");
    }
    int n = ++counter;
    Instant now = clock.instant();
    String id = path + "/lease-" + n;
    String password = CANARY + "-" + n;
    SecretValue value = SecretValue.ofUtf8(password);
    Instant maxEnd = maxTtl.isZero() ? null : now.plus(maxTtl);
    Instant end = now.plus(ttl);
    grants.put(id, new Grant(id, path, password, value, end, maxEnd));
    return LeasedSecret.of(
        new Lease(id, ttl, maxTtl, renewable, now),
        Map.of("username", SecretValue.ofUtf8("user-" + n), "password", value));
  }

  @Override
  public synchronized Lease renew(String leaseId, Duration increment) {
    Grant grant = grants.get(leaseId);
    Instant now = clock.instant();
    if (renewal == Renewal.ERROR) {
      grant.failedRenewals++;
      throw new BackendUnavailableException("fake backend down");
    }
    if (renewal == Renewal.REFUSED
        || !renewable
        || grant.revokedAt != null
        || !now.isBefore(grant.end)
        || (grant.maxEnd != null && !now.isBefore(grant.maxEnd))) {
      grant.failedRenewals++;
      throw new LeaseExpiredException("lease " + leaseId + " cannot be renewed");
    }
    Duration granted = renewal == Renewal.SHORT ? shortGrant : increment;
    if (grant.maxEnd != null && now.plus(granted).isAfter(grant.maxEnd)) {
      granted = Duration.between(now, grant.maxEnd);
    }
    grant.end = now.plus(granted);
    grant.renewals++;
    return new Lease(leaseId, granted, maxTtl, renewable, now);
  }

  @Override
  public synchronized void revoke(String leaseId) {
    Grant grant = grants.get(leaseId);
    if (grant != null && grant.revokedAt == null) {
      grant.revokedAt = clock.instant();
    }
  }

  @Override
  public void onCredentialsReset(Runnable listener) {
    resetListeners.add(listener);
  }

  final List<Runnable> retiringListeners = new CopyOnWriteArrayList<>();

  @Override
  public void onCredentialsRetiring(Runnable listener) {
    retiringListeners.add(listener);
  }

  /** Signals that every grant so far will die soon (still valid now). */
  void retireCredentials() {
    retiringListeners.forEach(Runnable::run);
  }

  /** Invalidates every grant so far (as Vault does when the token behind them dies) and signals. */
  void resetCredentials() {
    synchronized (this) {
      Instant now = clock.instant();
      for (Grant grant : grants.values()) {
        if (grant.revokedAt == null) {
          grant.revokedAt = now;
        }
      }
    }
    resetListeners.forEach(Runnable::run);
  }

  synchronized List<Grant> grantsFor(String path) {
    List<Grant> out = new ArrayList<>();
    for (Grant grant : grants.values()) {
      if (grant.path.equals(path)) {
        out.add(grant);
      }
    }
    return out;
  }

  synchronized Grant latest(String path) {
    List<Grant> all = grantsFor(path);
    return all.get(all.size() - 1);
  }
}
