package dev.strongroom.lease;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The provider behind a lease the library issues itself: one value, granted once, renewable up to
 * its maximum TTL, never re-acquired. Revocation is local (the manager wipes the value).
 * Thread-safe.
 */
final class IssuedLeaseProvider implements LeaseProvider {
  private final Clock clock;
  private final String leaseId;
  private final Supplier<SecretValue> supplier;
  private final Duration ttl;
  private final Duration maxTtl;

  /** A lock, not a monitor: the supplier may do I/O (and pin a virtual thread's carrier). */
  private final ReentrantLock lock = new ReentrantLock();

  private Instant maxEnd; // guarded by lock

  IssuedLeaseProvider(
      Clock clock, String leaseId, Supplier<SecretValue> supplier, Duration ttl, Duration maxTtl) {
    this.clock = clock;
    this.leaseId = leaseId;
    this.supplier = supplier;
    this.ttl = ttl;
    this.maxTtl = maxTtl;
  }

  @Override
  public LeasedSecret acquire(String path) {
    lock.lock();
    try {
      if (maxEnd != null) {
        throw new IllegalStateException(
            "expected one grant of an issued lease but it was asked again");
      }
      SecretValue value = Objects.requireNonNull(supplier.get(), "supplier returned null");
      Instant now = clock.instant();
      maxEnd = now.plus(maxTtl);
      return LeasedSecret.of(
          new Lease(leaseId, ttl, maxTtl, true, now), Map.of(LeaseManager.VALUE_FIELD, value));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Lease renew(String id, Duration increment) {
    lock.lock();
    try {
      Instant now = clock.instant();
      Duration remaining = Duration.between(now, maxEnd);
      if ((remaining.isNegative() || remaining.isZero())) {
        throw new LeaseExpiredException("issued lease " + id + " reached its maximum TTL");
      }
      Duration granted = increment.compareTo(remaining) < 0 ? increment : remaining;
      return new Lease(id, granted, maxTtl, true, now);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void revoke(String id) {
    // Nothing at a backend: the manager wipes the value.
  }
}
