package dev.strongroom.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A lease on a credential: its id, the TTL granted at {@code issuedAt}, the maximum TTL after which
 * it cannot be renewed, and whether it can be renewed at all. Not secret. Immutable.
 *
 * @param id the lease id (for Vault, e.g. {@code database/creds/app/abc123})
 * @param ttl how long the lease lasts from {@code issuedAt}
 * @param maxTtl how long the credential may live in all from its first issue, or {@link
 *     Duration#ZERO} if unknown
 * @param renewable whether renewal may extend it
 * @param issuedAt when this grant (first issue or renewal) was made
 */
public record Lease(String id, Duration ttl, Duration maxTtl, boolean renewable, Instant issuedAt) {
  /** Checks the fields. */
  public Lease {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    Objects.requireNonNull(issuedAt, "issuedAt");
    if (ttl.isNegative() || maxTtl.isNegative()) {
      throw new IllegalArgumentException(
          "expected non-negative TTLs but were " + ttl + ", " + maxTtl);
    }
  }

  /** When this grant ends. */
  public Instant expiresAt() {
    return issuedAt.plus(ttl);
  }
}
