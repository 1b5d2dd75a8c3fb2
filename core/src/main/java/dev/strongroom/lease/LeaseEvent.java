package dev.strongroom.lease;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a {@link LeasedCredential}: it was renewed, rotated (re-acquired),
 * expired or revoked, or a renewal or rotation attempt failed. Carries the lease (not secret) and
 * never a secret value.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class LeaseEvent {

  /** What happened. */
  public enum Type {
    /** The lease was renewed; {@link #lease()} is the grant. */
    RENEWED,
    /** A new credential replaced the old one; {@link #lease()} is the new lease. */
    ROTATED,
    /** The lease reached its end without being renewed or replaced; its values were wiped. */
    EXPIRED,
    /** The lease was revoked (by {@code revoke()} or the manager's {@code close()}). */
    REVOKED,
    /** A renewal, rotation or revocation attempt failed; {@link #failure()} says why. */
    FAILED
  }

  private final Type type;
  private final String path;
  private final Lease lease;
  private final Instant time;
  private final Throwable failure;

  private LeaseEvent(Type type, String path, Lease lease, Instant time, Throwable failure) {
    this.type = Objects.requireNonNull(type, "type");
    this.path = Objects.requireNonNull(path, "path");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.time = Objects.requireNonNull(time, "time");
    this.failure = failure;
  }

  static LeaseEvent of(Type type, String path, Lease lease, Instant time) {
    return new LeaseEvent(type, path, lease, time, null);
  }

  static LeaseEvent failed(String path, Lease lease, Instant time, Throwable failure) {
    return new LeaseEvent(Type.FAILED, path, lease, time, Objects.requireNonNull(failure));
  }

  /** What happened. */
  public Type type() {
    return type;
  }

  /** The path (or, for issued leases, the name) the credential was acquired under. */
  public String path() {
    return path;
  }

  /** The lease concerned: the new grant for RENEWED and ROTATED, otherwise the lease that ended. */
  public Lease lease() {
    return lease;
  }

  /** When it happened, by the manager's clock. */
  public Instant time() {
    return time;
  }

  /** For {@link Type#FAILED}, the exception the provider threw. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    return "LeaseEvent["
        + type
        + ", path="
        + path
        + ", lease="
        + lease.id()
        + ", time="
        + time
        + (failure == null ? "" : ", failure=" + failure.getClass().getName())
        + "]";
  }
}
