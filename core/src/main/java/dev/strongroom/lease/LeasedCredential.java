package dev.strongroom.lease;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * A handle on a credential that a {@link LeaseManager} keeps alive: it renews the lease, replaces
 * the credential before its maximum TTL, and wipes the values when the lease ends or is revoked.
 * Read the current values with {@link #fields()} or {@link #field(String)} each time they are
 * needed; after the lease's end they are refused with {@link LeaseExpiredException}, even if the
 * manager's scheduler has not run yet; likewise from the moment the provider signals that the
 * credentials it issued were reset until a replacement is in place.
 *
 * <p>Thread-safe. The {@link SecretValue}s handed out are the live values: they are wiped when the
 * lease is rotated, expires or is revoked, so copy out what you need at once (a read racing with a
 * wipe gets {@link IllegalStateException}). {@link #toString()} shows the path and lease only.
 */
public final class LeasedCredential implements AutoCloseable {
  enum State {
    ACTIVE,
    EXPIRED,
    REVOKED
  }

  enum Action {
    NONE,
    RENEW,
    ROTATE
  }

  final LeaseManager manager;
  final LeaseProvider provider;
  final String path;
  final boolean rotatable;

  // All guarded by this.
  LeasedSecret secret;
  Lease lease;
  Instant maxEnd; // null if the backend named no maximum
  Duration firstTtl;
  State state = State.ACTIVE;
  Action action = Action.NONE;
  boolean resetSinceGrant; // the provider reset its credentials since this lease was granted
  Instant dueAt;
  int failures;
  ScheduledFuture<?> task;

  LeasedCredential(
      LeaseManager manager,
      LeaseProvider provider,
      String path,
      boolean rotatable,
      LeasedSecret secret) {
    this.manager = manager;
    this.provider = provider;
    this.path = path;
    this.rotatable = rotatable;
    adopt(secret);
  }

  /** The path (or, for an issued lease, the name) this credential was acquired under. */
  public String path() {
    return path;
  }

  /** The current lease (the last grant, also after the credential expired or was revoked). */
  public synchronized Lease lease() {
    return lease;
  }

  /**
   * When the current lease ends: its grant's end, or the end of its maximum TTL if that is sooner.
   */
  public synchronized Instant end() {
    Instant end = lease.expiresAt();
    return maxEnd != null && maxEnd.isBefore(end) ? maxEnd : end;
  }

  /**
   * The current secret fields by name (for an issued lease, the single field {@code "value"}).
   *
   * @throws LeaseExpiredException if the lease has ended or was revoked, or if the provider reset
   *     the credentials it was issued under (for Vault: the token behind it died) and no
   *     replacement has been acquired yet
   */
  public Map<String, SecretValue> fields() {
    Instant now = manager.now();
    synchronized (this) {
      if (state == State.REVOKED) {
        throw new LeaseExpiredException("lease " + lease.id() + " on " + path + " was revoked");
      }
      if (resetSinceGrant) {
        throw new LeaseExpiredException(
            "lease "
                + lease.id()
                + " on "
                + path
                + " is invalid: the backend reset the credentials it was issued under; a"
                + " replacement is being acquired");
      }
      Instant end = end();
      if (state == State.EXPIRED || !now.isBefore(end)) {
        throw new LeaseExpiredException(
            "lease " + lease.id() + " on " + path + " ended at " + end + "; now is " + now);
      }
      return secret.fields();
    }
  }

  /**
   * One current secret field.
   *
   * @throws LeaseExpiredException if the lease has ended or was revoked
   * @throws NotFoundException if the credential has no field of that name
   */
  public SecretValue field(String name) {
    Objects.requireNonNull(name, "name");
    SecretValue value = fields().get(name);
    if (value == null) {
      throw new NotFoundException("no field '" + name + "' in the credential at " + path);
    }
    return value;
  }

  /**
   * Revokes the lease at the backend (best effort: a failure is reported as a FAILED event), wipes
   * the values and stops renewing. Idempotent. The REVOKED event is delivered on this thread.
   */
  public void revoke() {
    manager.revoke(this);
  }

  /** Same as {@link #revoke()}. */
  @Override
  public void close() {
    revoke();
  }

  @Override
  public synchronized String toString() {
    return "LeasedCredential[path=" + path + ", lease=" + lease.id() + ", state=" + state + "]";
  }

  /** Takes a freshly acquired secret as the current one. Caller holds the lock. */
  void adopt(LeasedSecret fresh) {
    Lease granted = fresh.lease();
    secret = fresh;
    lease = granted;
    firstTtl = granted.ttl();
    maxEnd = granted.maxTtl().isZero() ? null : granted.issuedAt().plus(granted.maxTtl());
    state = State.ACTIVE;
  }
}
