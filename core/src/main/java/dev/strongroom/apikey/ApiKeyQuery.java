package dev.strongroom.apikey;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A filter for {@link ApiKeys#list}: by owner, environment, scope, and whether only active keys
 * (neither revoked nor expired) count. Unset criteria match everything.
 *
 * <pre>{@code
 * keys.list(ApiKeyQuery.all().environment("live").scope("admin").activeOnly())
 * }</pre>
 *
 * <p>Immutable and thread-safe: each method returns a new query.
 */
public final class ApiKeyQuery {
  private static final ApiKeyQuery ALL = new ApiKeyQuery(null, null, null, false);

  private final @Nullable String owner;
  private final @Nullable String environment;
  private final @Nullable String scope;
  private final boolean activeOnly;

  private ApiKeyQuery(
      @Nullable String owner,
      @Nullable String environment,
      @Nullable String scope,
      boolean activeOnly) {
    this.owner = owner;
    this.environment = environment;
    this.scope = scope;
    this.activeOnly = activeOnly;
  }

  /** Every key, revoked and expired ones included. */
  public static ApiKeyQuery all() {
    return ALL;
  }

  /** Only keys held by {@code owner}. */
  public ApiKeyQuery owner(String owner) {
    return new ApiKeyQuery(Objects.requireNonNull(owner, "owner"), environment, scope, activeOnly);
  }

  /** Only keys of {@code environment}. */
  public ApiKeyQuery environment(String environment) {
    return new ApiKeyQuery(
        owner, Objects.requireNonNull(environment, "environment"), scope, activeOnly);
  }

  /** Only keys granting {@code scope}. */
  public ApiKeyQuery scope(String scope) {
    return new ApiKeyQuery(owner, environment, Objects.requireNonNull(scope, "scope"), activeOnly);
  }

  /** Only keys neither revoked nor expired. */
  public ApiKeyQuery activeOnly() {
    return new ApiKeyQuery(owner, environment, scope, true);
  }

  /** Whether {@code key} matches at {@code now}. */
  public boolean matches(ApiKeyInfo key, Instant now) {
    return (owner == null || key.owner().filter(owner::equals).isPresent())
        && (environment == null || environment.equals(key.environment()))
        && (scope == null || key.hasScope(scope))
        && (!activeOnly || key.active(now));
  }

  @Override
  public String toString() {
    return "ApiKeyQuery[owner="
        + owner
        + ", environment="
        + environment
        + ", scope="
        + scope
        + ", activeOnly="
        + activeOnly
        + "]";
  }
}
