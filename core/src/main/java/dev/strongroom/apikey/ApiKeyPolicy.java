package dev.strongroom.apikey;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a room's {@link ApiKeys} behave: the service label keys start with, how soon a revocation
 * made by another room (another process) takes effect here, how often the last-used time is
 * written, default and maximum lifetimes, and an optional limit on repeated failures.
 *
 * <pre>{@code
 * ApiKeyPolicy.builder().service("acme").revocationBound(Duration.ofSeconds(30)).build()
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ApiKeyPolicy {
  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9]{0,15}");
  private static final ApiKeyPolicy DEFAULTS = builder().build();

  private final String service;
  private final Duration revocationBound;
  private final Duration lastUsedInterval;
  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final long cacheSize;
  private final int failureBurst;
  private final Duration failureRefill;
  private final long negativeCacheSize;
  private final int unknownLookupBurst;
  private final Duration unknownLookupRefill;
  private final Duration rejectionAuditInterval;

  private ApiKeyPolicy(Builder b) {
    this.service = b.service;
    this.revocationBound = b.revocationBound;
    this.lastUsedInterval = b.lastUsedInterval;
    this.defaultTtl = b.defaultTtl;
    this.maxTtl = b.maxTtl;
    this.cacheSize = b.cacheSize;
    this.failureBurst = b.failureBurst;
    this.failureRefill = b.failureRefill;
    this.negativeCacheSize = b.negativeCacheSize;
    this.unknownLookupBurst = b.unknownLookupBurst;
    this.unknownLookupRefill = b.unknownLookupRefill;
    this.rejectionAuditInterval = b.rejectionAuditInterval;
  }

  /** The defaults: see each {@link Builder} method. */
  public static ApiKeyPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The service label keys start with, such as {@code sr}. */
  public String service() {
    return service;
  }

  /**
   * How long a verification result is cached: a revocation, renewal or rotation made by another
   * room takes effect here within this bound (in the same room at once).
   */
  public Duration revocationBound() {
    return revocationBound;
  }

  /** A key's last-used time is written at most once per this interval per room. */
  public Duration lastUsedInterval() {
    return lastUsedInterval;
  }

  /** The TTL of a key when the request gives none. */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /** The longest any key may live from issue, renewals included. */
  public Duration maxTtl() {
    return maxTtl;
  }

  /** How many keys the verification cache holds. */
  public long cacheSize() {
    return cacheSize;
  }

  /** Failures allowed in a burst per key id or source before {@code RATE_LIMITED}; 0 if off. */
  public int failureBurst() {
    return failureBurst;
  }

  /** How often one more failure is allowed again after a burst. */
  public Duration failureRefill() {
    return failureRefill;
  }

  /**
   * How many key ids that carry a valid tag but were not found are remembered (apart from the cache
   * of known keys, so that they never evict one) for the revocation bound.
   */
  public long negativeCacheSize() {
    return negativeCacheSize;
  }

  /** Backend lookups that may find nothing in a burst (see {@link Builder#unknownLookupLimit}). */
  public int unknownLookupBurst() {
    return unknownLookupBurst;
  }

  /** How often one more lookup that finds nothing is allowed again after a burst. */
  public Duration unknownLookupRefill() {
    return unknownLookupRefill;
  }

  /** The interval over which rejected verifications are audited in aggregate. */
  public Duration rejectionAuditInterval() {
    return rejectionAuditInterval;
  }

  @Override
  public String toString() {
    return "ApiKeyPolicy[service="
        + service
        + ", revocationBound="
        + revocationBound
        + ", lastUsedInterval="
        + lastUsedInterval
        + ", defaultTtl="
        + defaultTtl
        + ", maxTtl="
        + maxTtl
        + ", failureBurst="
        + failureBurst
        + ", unknownLookups="
        + unknownLookupBurst
        + "/"
        + unknownLookupRefill
        + ", rejectionAuditInterval="
        + rejectionAuditInterval
        + "]";
  }

  /** Builds an {@link ApiKeyPolicy}. Not thread-safe. */
  public static final class Builder {
    private String service = "sr";
    private Duration revocationBound = Duration.ofMinutes(1);
    private Duration lastUsedInterval = Duration.ofHours(1);
    private Duration defaultTtl = Duration.ofDays(90);
    private Duration maxTtl = Duration.ofDays(365);
    private long cacheSize = 100_000;
    private int failureBurst;
    private Duration failureRefill = Duration.ofSeconds(1);
    private long negativeCacheSize = 10_000;
    private int unknownLookupBurst = 100;
    private Duration unknownLookupRefill = Duration.ofMillis(100);
    private Duration rejectionAuditInterval = Duration.ofMinutes(1);

    private Builder() {}

    /** The label keys start with: 1 to 16 of {@code [a-z0-9]}, a letter first; {@code sr}. */
    public Builder service(String service) {
      Objects.requireNonNull(service, "service");
      if (!LABEL.matcher(service).matches()) {
        throw new IllegalArgumentException(
            "expected a service label of [a-z][a-z0-9]{0,15} but was '" + service + "'");
      }
      this.service = service;
      return this;
    }

    /** How long verification results are cached (the cross-room revocation bound); 1 minute. */
    public Builder revocationBound(Duration bound) {
      this.revocationBound = positive(bound, "revocationBound");
      return this;
    }

    /** How often a key's last-used time is written at most; 1 hour. */
    public Builder lastUsedInterval(Duration interval) {
      this.lastUsedInterval = positive(interval, "lastUsedInterval");
      return this;
    }

    /** The TTL of a key when the request gives none; 90 days. */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = positive(ttl, "defaultTtl");
      return this;
    }

    /** The longest any key may live from issue; 365 days. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = positive(maxTtl, "maxTtl");
      return this;
    }

    /** How many keys the verification cache holds; 100,000. */
    public Builder cacheSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("expected a cache size >= 1 but was " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /**
     * Turns on rate limiting of failures: each key id and each source (see {@link
     * ApiKeys#verify(char[], String)}) may fail {@code burst} times, then once more per {@code
     * refill}; meanwhile its verifications are {@code RATE_LIMITED}. Off by default.
     */
    public Builder failureLimit(int burst, Duration refill) {
      if (burst < 1) {
        throw new IllegalArgumentException("expected a burst >= 1 but was " + burst);
      }
      this.failureBurst = burst;
      this.failureRefill = positive(refill, "refill");
      return this;
    }

    /** How many unknown (tagged but not found) key ids are remembered; 10,000. */
    public Builder negativeCacheSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("expected a negative cache size >= 1 but was " + size);
      }
      this.negativeCacheSize = size;
      return this;
    }

    /**
     * Limits backend reads that find no key, room-wide: {@code burst} of them, then one more per
     * {@code refill}; meanwhile a key id in neither cache is {@code RATE_LIMITED} without a read.
     * Keys in the verification cache are never affected, and an id must carry a valid tag to get
     * this far, so only ids the room issued and then lost (or a 62^-6 lucky forgery) spend tokens.
     * On by default: 100, then 10 per second.
     */
    public Builder unknownLookupLimit(int burst, Duration refill) {
      if (burst < 1) {
        throw new IllegalArgumentException("expected a burst >= 1 but was " + burst);
      }
      this.unknownLookupBurst = burst;
      this.unknownLookupRefill = positive(refill, "refill");
      return this;
    }

    /**
     * Rejected verifications are audited in aggregate per this interval: the first one in full, the
     * rest as one count per outcome when the interval is over; 1 minute.
     */
    public Builder rejectionAuditInterval(Duration interval) {
      this.rejectionAuditInterval = positive(interval, "rejectionAuditInterval");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalStateException if {@code defaultTtl > maxTtl}
     */
    public ApiKeyPolicy build() {
      if (defaultTtl.compareTo(maxTtl) > 0) {
        throw new IllegalStateException(
            "expected defaultTtl <= maxTtl but was " + defaultTtl + " > " + maxTtl);
      }
      return new ApiKeyPolicy(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
      }
      return d;
    }
  }
}
