package dev.strongroom.lease;

import dev.strongroom.SecretValue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Persisted check-out leases on static secrets, stored in the room's backend (any backend: file,
 * Vault, AWS, memory) under a reserved namespace the secret API never reaches, each record sealed
 * by the room's {@code default} KEK under a reserved encryption context bound to its id and stored
 * version: a record edited, swapped or replayed by someone with backend access but no key does not
 * open ({@link dev.strongroom.exception.TamperedException}), it never grants access. Unlike {@link
 * dev.strongroom.Strongroom#leaseSecret}, a check-out outlives the process that granted it, so a
 * later process (a CLI command) can read under it, renew it or check it in. Every operation is
 * audited as a change ({@code checkout}, {@code checkout.read}, {@code checkout.renew}, {@code
 * checkin}); a refused read is audited as failed.
 *
 * <p>Thread-safe.
 */
public interface Checkouts {

  /**
   * Checks out the CURRENT version of secret {@code name} for {@code ttl}, renewable up to {@code
   * maxTtl}.
   *
   * @throws IllegalArgumentException unless {@code 0 < ttl <= maxTtl}
   * @throws dev.strongroom.exception.NotFoundException if the secret does not exist
   */
  Checkout checkout(String name, Duration ttl, Duration maxTtl);

  /**
   * The value of the leased version, only while the lease is active.
   *
   * @throws dev.strongroom.exception.LeaseExpiredException if the lease was checked in, revoked or
   *     has ended
   * @throws dev.strongroom.exception.NotFoundException if there is no such lease
   * @throws dev.strongroom.exception.TamperedException if its record does not open
   */
  SecretValue read(String id);

  /**
   * Extends an active lease by its TTL, never past its maximum end.
   *
   * @throws dev.strongroom.exception.LeaseExpiredException if it is revoked or has ended
   */
  Checkout renew(String id);

  /**
   * Checks the lease in (revokes it): reads under it are refused from now on. Checking in a lease
   * already checked in returns it unchanged.
   */
  Checkout checkin(String id);

  /** The lease {@code id}, if it exists. */
  Optional<Checkout> find(String id);

  /** Every lease of the room, sorted by id. */
  List<Checkout> list();
}
