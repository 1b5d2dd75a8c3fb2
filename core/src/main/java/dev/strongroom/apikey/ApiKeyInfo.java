package dev.strongroom.apikey;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What is known about an API key: never the key, never its hash. Its id, owner, environment and
 * scopes; when it was created and when it expires (like a lease: {@link #ttl()} per renewal, never
 * past {@link #maxExpires()}); when it was last used (recorded at most once per interval, so it may
 * lag by that much); whether and when it was revoked; and the keys it replaced or was replaced by
 * in a rotation.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(String)} or {@link #newBuilder()}.
 */
public final class ApiKeyInfo {
  private final String id;
  private final @Nullable String owner;
  private final String environment;
  private final Set<String> scopes;
  private final Instant created;
  private final Duration ttl;
  private final Instant expires;
  private final Instant maxExpires;
  private final boolean renewable;
  private final @Nullable Instant lastUsed;
  private final @Nullable Instant revokedAt;
  private final @Nullable String rotatedFrom;
  private final @Nullable String replacedBy;

  private ApiKeyInfo(Builder b) {
    this.id = b.id;
    this.owner = b.owner;
    this.environment = Objects.requireNonNull(b.environment, "environment");
    this.scopes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.scopes));
    this.created = Objects.requireNonNull(b.created, "created");
    this.ttl = Objects.requireNonNull(b.ttl, "ttl");
    this.expires = Objects.requireNonNull(b.expires, "expires");
    this.maxExpires = Objects.requireNonNull(b.maxExpires, "maxExpires");
    this.renewable = b.renewable;
    this.lastUsed = b.lastUsed;
    this.revokedAt = b.revokedAt;
    this.rotatedFrom = b.rotatedFrom;
    this.replacedBy = b.replacedBy;
  }

  /** A builder for the key {@code id}. */
  public static Builder builder(String id) {
    return new Builder(Objects.requireNonNull(id, "id"));
  }

  /** A builder holding this info's fields. */
  public Builder newBuilder() {
    Builder b = new Builder(id);
    b.owner = owner;
    b.environment = environment;
    b.scopes = new TreeSet<>(scopes);
    b.created = created;
    b.ttl = ttl;
    b.expires = expires;
    b.maxExpires = maxExpires;
    b.renewable = renewable;
    b.lastUsed = lastUsed;
    b.revokedAt = revokedAt;
    b.rotatedFrom = rotatedFrom;
    b.replacedBy = replacedBy;
    return b;
  }

  /** The public key id, the part after the environment in the key. */
  public String id() {
    return id;
  }

  /** Who holds the key (a person or a workload); empty if it has no owner. */
  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  /** The environment label in the key, such as {@code live} or {@code test}. */
  public String environment() {
    return environment;
  }

  /** The scopes granted, sorted. */
  public Set<String> scopes() {
    return scopes;
  }

  /** When the key was issued. */
  public Instant created() {
    return created;
  }

  /** How long one grant lasts: at issue and at each {@link ApiKeys#renew renewal}. */
  public Duration ttl() {
    return ttl;
  }

  /** When the key stops verifying unless renewed. */
  public Instant expires() {
    return expires;
  }

  /** The latest a renewal may extend {@link #expires()} to. */
  public Instant maxExpires() {
    return maxExpires;
  }

  /** Whether {@link ApiKeys#renew} may extend it. */
  public boolean renewable() {
    return renewable;
  }

  /**
   * When a verification last succeeded, as recorded (at most once per interval); empty if never.
   */
  public Optional<Instant> lastUsed() {
    return Optional.ofNullable(lastUsed);
  }

  /** When the key was revoked; empty if it was not. */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /** Whether the key was revoked. */
  public boolean revoked() {
    return revokedAt != null;
  }

  /** The id of the key this one replaced in a rotation, if any. */
  public Optional<String> rotatedFrom() {
    return Optional.ofNullable(rotatedFrom);
  }

  /** The id of the key that replaced this one in a rotation, if any. */
  public Optional<String> replacedBy() {
    return Optional.ofNullable(replacedBy);
  }

  /** Whether the key verifies at {@code now}: not revoked and not expired. */
  public boolean active(Instant now) {
    return revokedAt == null && now.isBefore(expires);
  }

  /** Whether the key grants {@code scope}. */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ApiKeyInfo)) {
      return false;
    }
    ApiKeyInfo other = (ApiKeyInfo) o;
    return id.equals(other.id)
        && Objects.equals(owner, other.owner)
        && environment.equals(other.environment)
        && scopes.equals(other.scopes)
        && created.equals(other.created)
        && ttl.equals(other.ttl)
        && expires.equals(other.expires)
        && maxExpires.equals(other.maxExpires)
        && renewable == other.renewable
        && Objects.equals(lastUsed, other.lastUsed)
        && Objects.equals(revokedAt, other.revokedAt)
        && Objects.equals(rotatedFrom, other.rotatedFrom)
        && Objects.equals(replacedBy, other.replacedBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, environment, created, expires, revokedAt);
  }

  @Override
  public String toString() {
    return "ApiKeyInfo[id="
        + id
        + ", owner="
        + (owner == null ? "-" : owner)
        + ", environment="
        + environment
        + ", scopes="
        + scopes
        + ", created="
        + created
        + ", expires="
        + expires
        + (revokedAt == null ? "" : ", revokedAt=" + revokedAt)
        + "]";
  }

  /** Builds an {@link ApiKeyInfo}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private @Nullable String owner;
    private @Nullable String environment;
    private Set<String> scopes = new TreeSet<>();
    private @Nullable Instant created;
    private @Nullable Duration ttl;
    private @Nullable Instant expires;
    private @Nullable Instant maxExpires;
    private boolean renewable = true;
    private @Nullable Instant lastUsed;
    private @Nullable Instant revokedAt;
    private @Nullable String rotatedFrom;
    private @Nullable String replacedBy;

    private Builder(String id) {
      this.id = id;
    }

    /** The owner, or null for none. */
    public Builder owner(String owner) {
      this.owner = owner == null || owner.isBlank() ? null : owner;
      return this;
    }

    /** The environment label (required). */
    public Builder environment(String environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The scopes. */
    public Builder scopes(Collection<String> scopes) {
      TreeSet<String> copy = new TreeSet<>();
      for (String s : scopes) {
        copy.add(Objects.requireNonNull(s, "scope"));
      }
      this.scopes = copy;
      return this;
    }

    /** When it was created (required). */
    public Builder created(Instant created) {
      this.created = Objects.requireNonNull(created, "created");
      return this;
    }

    /** How long one grant lasts (required). */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** When it expires (required). */
    public Builder expires(Instant expires) {
      this.expires = Objects.requireNonNull(expires, "expires");
      return this;
    }

    /** The latest a renewal may reach (required). */
    public Builder maxExpires(Instant maxExpires) {
      this.maxExpires = Objects.requireNonNull(maxExpires, "maxExpires");
      return this;
    }

    /** Whether it may be renewed; true by default. */
    public Builder renewable(boolean renewable) {
      this.renewable = renewable;
      return this;
    }

    /** When it was last used, or null. */
    public Builder lastUsed(Instant lastUsed) {
      this.lastUsed = lastUsed;
      return this;
    }

    /** When it was revoked, or null. */
    public Builder revokedAt(Instant revokedAt) {
      this.revokedAt = revokedAt;
      return this;
    }

    /** The key it replaced, or null. */
    public Builder rotatedFrom(String rotatedFrom) {
      this.rotatedFrom = rotatedFrom;
      return this;
    }

    /** The key that replaced it, or null. */
    public Builder replacedBy(String replacedBy) {
      this.replacedBy = replacedBy;
      return this;
    }

    /**
     * Builds the info.
     *
     * @throws NullPointerException naming the first required field not set
     */
    public ApiKeyInfo build() {
      return new ApiKeyInfo(this);
    }
  }
}
