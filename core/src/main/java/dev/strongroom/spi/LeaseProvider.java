package dev.strongroom.spi;

import dev.strongroom.lease.Lease;
import java.time.Duration;

/**
 * A source of leased (short-lived) credentials, such as Vault's database secrets engine. The lease
 * manager in core drives it: acquire, renew with the TTL the backend grants, revoke.
 *
 * <p>Implementations must be thread-safe.
 */
public interface LeaseProvider {

  /** Acquires a new credential at {@code path} (for Vault, e.g. {@code database/creds/app}). */
  LeasedSecret acquire(String path);

  /**
   * Renews a lease, asking for {@code increment}; returns the lease as granted (its TTL may be
   * shorter than asked).
   *
   * @throws dev.strongroom.exception.LeaseExpiredException if the lease cannot be renewed
   */
  Lease renew(String leaseId, Duration increment);

  /** Revokes a lease; revoking an unknown or expired lease is not an error. */
  void revoke(String leaseId);

  /**
   * Registers {@code listener} to be run, on any thread, whenever every lease this provider issued
   * so far has become invalid at once (for Vault: the token that created them was replaced by a new
   * login, and the backend revokes a token's leases with it). The listener must return quickly. The
   * default never calls it, for providers whose leases do not die together.
   */
  default void onCredentialsReset(Runnable listener) {}

  /**
   * Registers {@code listener} to be run, on any thread, whenever every lease this provider issued
   * so far is still valid but will die soon together (for Vault: a planned re-login before the
   * token's maximum TTL replaced the token they were created under). The lease manager then
   * replaces them at once, keeping the old ones valid for the usual overlap. The listener must
   * return quickly. The default never calls it.
   */
  default void onCredentialsRetiring(Runnable listener) {}
}
