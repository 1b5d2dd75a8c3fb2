package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import dev.strongroom.lease.Lease;
import java.util.Map;
import java.util.Objects;

/**
 * A credential under a lease: named secret fields (such as {@code username} and {@code password})
 * and the lease that bounds their life. {@code toString} shows the lease and the field names only.
 * Immutable holder; the owner wipes the values when the lease ends.
 */
public final class LeasedSecret {
  private final Lease lease;
  private final Map<String, SecretValue> fields;

  private LeasedSecret(Lease lease, Map<String, SecretValue> fields) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.fields = Map.copyOf(fields);
  }

  /** A leased secret; takes ownership of the values. */
  public static LeasedSecret of(Lease lease, Map<String, SecretValue> fields) {
    return new LeasedSecret(lease, fields);
  }

  /** The lease. */
  public Lease lease() {
    return lease;
  }

  /** The secret fields, by name. */
  public Map<String, SecretValue> fields() {
    return fields;
  }

  /** Wipes every field. */
  public void wipe() {
    fields.values().forEach(SecretValue::wipe);
  }

  @Override
  public String toString() {
    return "LeasedSecret[" + lease + ", fields=" + new java.util.TreeSet<>(fields.keySet()) + "]";
  }
}
