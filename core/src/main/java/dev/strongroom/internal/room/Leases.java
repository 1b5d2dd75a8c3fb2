package dev.strongroom.internal.room;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.spi.LeaseProvider;
import java.time.Duration;

/**
 * The room's leases, for paths and secrets the facade resolved and the guard allowed: dynamic
 * credentials from the backend's lease provider, and leases the room issues on a copy of a static
 * secret. Both are changes on the room's {@link AuditTrail}: an intent is recorded before the
 * backend is asked, and a lease whose outcome cannot be recorded is revoked, not returned (the same
 * fail-closed policy as reads).
 *
 * <p>Thread-safe. Not for public use.
 */
public final class Leases {
  private final RoomCore core;
  private final AuditTrail audit;

  private Leases(RoomCore core) {
    this.core = core;
    this.audit = core.audit();
  }

  /** The leases part of {@code core}. */
  public static Leases of(RoomCore core) {
    return new Leases(core);
  }

  /** Dynamic credentials at {@code path}. */
  public LeasedCredential lease(String path) {
    return audit.change(
        "lease",
        path,
        () -> {
          LeaseProvider provider =
              core.leaseProvider()
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "the backend issues no dynamic credentials (it has no lease"
                                  + " provider); lease a static secret with leaseSecret(...)"));
          return core.leases().acquire(provider, path);
        },
        LeasedCredential::revoke);
  }

  /** A lease on a copy of the CURRENT value of the secret {@code fullName}. */
  public LeasedCredential leaseSecret(String fullName, Duration ttl, Duration maxTtl) {
    Issued issued =
        audit.change(
            "lease",
            fullName,
            () -> {
              SecretCache.Entry entry = core.cache().get(fullName);
              LeasedCredential credential =
                  core.leases().issue(fullName, () -> copy(entry.value()), ttl, maxTtl);
              return new Issued(credential, entry.version().version());
            },
            Issued::version,
            i -> i.credential().revoke());
    return issued.credential();
  }

  private static SecretValue copy(SecretValue value) {
    byte[] bytes = value.copyBytes();
    try {
      return SecretValue.of(bytes);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  private record Issued(LeasedCredential credential, long version) {}
}
