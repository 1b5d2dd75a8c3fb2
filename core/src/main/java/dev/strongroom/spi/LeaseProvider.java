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
}
