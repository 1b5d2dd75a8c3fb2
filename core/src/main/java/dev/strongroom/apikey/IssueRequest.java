package dev.strongroom.apikey;

import dev.strongroom.internal.apikey.KeyFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What to issue: the environment label that goes into the key, the owner, the scopes, and the
 * lease-like lifetime (a TTL per grant, renewable or not, up to a maximum TTL from issue). TTLs not
 * given come from the room's {@link ApiKeyPolicy}.
 *
 * <pre>{@code
 * IssueRequest.builder("live").owner("billing-batch").scopes("invoices:read").build()
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class IssueRequest {
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9]{0,15}");
  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9:._*/-]{1,128}");
  private static final int MAX_OWNER = 256;

  private final String environment;
  private final @Nullable String owner;
  private final Set<String> scopes;
  private final @Nullable Duration ttl;
  private final @Nullable Duration maxTtl;
  private final boolean renewable;

  private IssueRequest(Builder b) {
    this.environment = b.environment;
    this.owner = b.owner;
    this.scopes = Set.copyOf(b.scopes);
    this.ttl = b.ttl;
    this.maxTtl = b.maxTtl;
    this.renewable = b.renewable;
  }

  /**
   * A builder for a key of {@code environment}: 1 to 16 characters of {@code [a-z0-9]} starting
   * with a letter, such as {@code live} or {@code test}.
   */
  public static Builder builder(String environment) {
    Objects.requireNonNull(environment, "environment");
    if (!ENVIRONMENT.matcher(environment).matches()) {
      throw new IllegalArgumentException(
          "expected an environment of [a-z][a-z0-9]{0,15} such as live but was '"
              + printable(environment)
              + "'");
    }
    return new Builder(environment);
  }

  /** The environment label. */
  public String environment() {
    return environment;
  }

  /** The owner, if one was given. */
  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  /** The scopes. */
  public Set<String> scopes() {
    return scopes;
  }

  /** The TTL per grant, if given (else the policy's default). */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /** The maximum TTL from issue, if given (else the policy's maximum). */
  public Optional<Duration> maxTtl() {
    return Optional.ofNullable(maxTtl);
  }

  /** Whether the key may be renewed. */
  public boolean renewable() {
    return renewable;
  }

  @Override
  public String toString() {
    return "IssueRequest[environment="
        + environment
        + ", owner="
        + (owner == null ? "-" : owner)
        + ", scopes="
        + new TreeSet<>(scopes)
        + "]";
  }

  private static String printable(String s) {
    return KeyFormat.describe(s, 40);
  }

  /** Builds an {@link IssueRequest}. Not thread-safe. */
  public static final class Builder {
    private final String environment;
    private @Nullable String owner;
    private final Set<String> scopes = new TreeSet<>();
    private @Nullable Duration ttl;
    private @Nullable Duration maxTtl;
    private boolean renewable = true;

    private Builder(String environment) {
      this.environment = environment;
    }

    /** Who will hold the key: a person or a workload, at most 256 characters. */
    public Builder owner(String owner) {
      Objects.requireNonNull(owner, "owner");
      if (owner.isBlank() || owner.length() > MAX_OWNER || owner.chars().anyMatch(c -> c < 0x20)) {
        throw new IllegalArgumentException(
            "expected an owner of 1 to "
                + MAX_OWNER
                + " printable characters but was '"
                + printable(owner)
                + "'");
      }
      this.owner = owner;
      return this;
    }

    /** Adds scopes: each 1 to 128 characters of {@code A-Z a-z 0-9 : . _ * / -}. */
    public Builder scopes(String... scopes) {
      return scopes(List.of(scopes));
    }

    /** Adds scopes: each 1 to 128 characters of {@code A-Z a-z 0-9 : . _ * / -}. */
    public Builder scopes(Collection<String> scopes) {
      for (String scope : scopes) {
        Objects.requireNonNull(scope, "scope");
        if (!SCOPE.matcher(scope).matches()) {
          throw new IllegalArgumentException(
              "expected a scope of [A-Za-z0-9:._*/-]{1,128} but was '" + printable(scope) + "'");
        }
        this.scopes.add(scope);
      }
      return this;
    }

    /** How long the key lasts, and each renewal extends it; the policy's default if not set. */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /** How long from issue renewals may extend it; the policy's maximum if not set. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = positive(maxTtl, "maxTtl");
      return this;
    }

    /** Whether {@link ApiKeys#renew} may extend it; true by default. */
    public Builder renewable(boolean renewable) {
      this.renewable = renewable;
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws IllegalStateException if both TTLs are set and {@code ttl > maxTtl}
     */
    public IssueRequest build() {
      if (ttl != null && maxTtl != null && ttl.compareTo(maxTtl) > 0) {
        throw new IllegalStateException("expected ttl <= maxTtl but was " + ttl + " > " + maxTtl);
      }
      return new IssueRequest(this);
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
