package dev.strongroom;

import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.lease.Lease;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import dev.strongroom.spi.SecretStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A dynamic-credentials engine for tests: grants {@code user-N}/{@code PASSWORD-PREFIX-N} under a
 * renewable lease of {@link #ttl} up to {@link #maxTtl}, and remembers every grant's end and
 * revocation. {@link #backend} puts it behind a memory backend. Thread-safe.
 */
final class FakeCredentials implements LeaseProvider {
  /** One grant. */
  static final class Grant {
    final String path;
    final String password;
    Instant end;
    Instant revokedAt;

    Grant(String path, String password, Instant end) {
      this.path = path;
      this.password = password;
      this.end = end;
    }
  }

  private final Clock clock;
  private final String passwordPrefix;
  Duration ttl = Duration.ofSeconds(60);
  Duration maxTtl = Duration.ofSeconds(300);
  final Map<String, Grant> grants = new LinkedHashMap<>();

  /** When set, every renewal is refused, so the room rotates at its next renewal. */
  volatile boolean refuseRenewals;

  private int counter;

  FakeCredentials(Clock clock, String passwordPrefix) {
    this.clock = clock;
    this.passwordPrefix = passwordPrefix;
  }

  /** A memory backend whose lease provider is this. */
  Backend backend() {
    MemoryBackend memory = MemoryBackend.create(clock);
    FakeCredentials self = this;
    return new Backend() {
      @Override
      public SecretStore secrets() {
        return memory.secrets();
      }

      @Override
      public KeyEncryptionService keys() {
        return memory.keys();
      }

      @Override
      public Optional<LeaseProvider> leases() {
        return Optional.of(self);
      }

      @Override
      public void close() {
        memory.close();
      }
    };
  }

  @Override
  public synchronized LeasedSecret acquire(String path) {
    int n = ++counter;
    Instant now = clock.instant();
    String id = path + "/lease-" + n;
    String password = passwordPrefix + "-" + n;
    grants.put(id, new Grant(path, password, now.plus(ttl)));
    return LeasedSecret.of(
        new Lease(id, ttl, maxTtl, true, now),
        Map.of(
            "username",
            dev.strongroom.SecretValue.ofUtf8("user-" + n),
            "password",
            dev.strongroom.SecretValue.ofUtf8(password)));
  }

  @Override
  public synchronized Lease renew(String leaseId, Duration increment) {
    Grant grant = grants.get(leaseId);
    Instant now = clock.instant();
    if (refuseRenewals || grant == null || grant.revokedAt != null || !now.isBefore(grant.end)) {
      throw new LeaseExpiredException("lease " + leaseId + " cannot be renewed");
    }
    grant.end = now.plus(increment);
    return new Lease(leaseId, increment, maxTtl, true, now);
  }

  @Override
  public synchronized void revoke(String leaseId) {
    Grant grant = grants.get(leaseId);
    if (grant != null && grant.revokedAt == null) {
      grant.revokedAt = clock.instant();
    }
  }

  synchronized long live() {
    return grants.values().stream().filter(g -> g.revokedAt == null).count();
  }
}
