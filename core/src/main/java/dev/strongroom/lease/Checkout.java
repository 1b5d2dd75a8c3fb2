package dev.strongroom.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A persisted check-out lease on a static secret, as stored (sealed) in the room's backend: its id,
 * the secret and version it grants, when it was issued, its TTL and maximum TTL, its current end,
 * and whether it was checked in (revoked). Immutable and thread-safe; holds no secret value.
 *
 * @param id the lease id (24 lowercase hex digits)
 * @param secret the secret's full name
 * @param version the version the lease grants
 * @param issued when it was issued
 * @param ttl how long each grant lasts
 * @param maxTtl how long renewals may extend it in all
 * @param expires its current end
 * @param revoked whether it was checked in or revoked
 */
public record Checkout(
    String id,
    String secret,
    long version,
    Instant issued,
    Duration ttl,
    Duration maxTtl,
    Instant expires,
    boolean revoked) {

  /** Checks the fields. */
  public Checkout {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(issued, "issued");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    Objects.requireNonNull(expires, "expires");
  }

  /** This lease ending at {@code end} instead (a renewal). */
  public Checkout withExpires(Instant end) {
    return new Checkout(id, secret, version, issued, ttl, maxTtl, end, revoked);
  }

  /** This lease checked in (revoked). */
  public Checkout checkedIn() {
    return new Checkout(id, secret, version, issued, ttl, maxTtl, expires, true);
  }

  /** The latest end renewals may reach. */
  public Instant maxEnd() {
    return issued.plus(maxTtl);
  }

  /** Whether the lease grants access at {@code now}: not revoked and not yet ended. */
  public boolean activeAt(Instant now) {
    return !revoked && now.isBefore(expires);
  }

  /** {@code active}, {@code expired} or {@code revoked} at {@code now}. */
  public String state(Instant now) {
    return revoked ? "revoked" : activeAt(now) ? "active" : "expired";
  }
}
