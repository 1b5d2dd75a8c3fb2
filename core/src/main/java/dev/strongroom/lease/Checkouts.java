package dev.strongroom.lease;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * Checks the lease in (revokes it): reads under it are refused from now on; then, if a rotator is
   * registered for its secret ({@link #rotateOnCheckin}), rotates the secret. Checking in a lease
   * already checked in returns it unchanged.
   *
   * @throws dev.strongroom.exception.StrongroomException if the rotation fails (the lease stays
   *     checked in, CURRENT is unchanged, and the message says so)
   */
  Checkout checkin(String id);

  /** The lease {@code id}, if it exists. */
  Optional<Checkout> find(String id);

  /** Every lease of the room, sorted by id. */
  List<Checkout> list();

  /**
   * Marks secret {@code name} check-out-only (or clears the mark): while marked, its value is
   * released only by {@link #read} under an active lease; {@code secret()}, {@code onChange} and
   * {@code leaseSecret} are refused with {@link dev.strongroom.exception.AccessDeniedException}, in
   * every room on the store (another process sees the change within its {@code refreshAfter}).
   * Audited as {@code checkout.require}.
   *
   * @throws dev.strongroom.exception.NotFoundException if marking a secret that does not exist
   */
  void requireCheckout(String name, boolean required);

  /** The names of the check-out-only secrets, sorted. */
  Set<String> checkoutOnly();

  /**
   * Registers {@code rotator} for secret {@code name} in this room: when a lease on it is checked
   * in ({@link #checkin}) or found ended by {@link #sweep}, the secret is rotated with it
   * (generate, apply, verify, promote), so that a copy taken during the lease stops working. The
   * room also sweeps every 30 seconds while a rotator is registered.
   */
  Strongroom.Registration rotateOnCheckin(String name, SecretRotator rotator);

  /**
   * Closes every lease that has ended without a check-in on a secret with a registered rotator:
   * each is marked checked in and its secret rotated (once, however many ended leases it has).
   *
   * @return the leases closed
   */
  List<Checkout> sweep();
}
