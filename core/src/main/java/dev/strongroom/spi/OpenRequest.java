package dev.strongroom.spi;

import dev.strongroom.SecretValue;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What {@link BackendProvider#open} opens, and with what: the URI, the clock the backend's time
 * runs on, and where it reads what the URI leaves to the environment (tokens, passphrases, role
 * ids). A backend reads environment variables only through {@link #environment(String)}, never from
 * the process directly, so an application (or a test) can hand it credentials without exporting
 * them: {@link Builder#credential} supplies one variable from code, and {@link Builder#environment}
 * replaces the process environment. Immutable and thread-safe if the suppliers are.
 */
public final class OpenRequest {
  private final URI uri;
  private final Clock clock;
  private final Function<String, @Nullable String> environment;
  private final Map<String, Supplier<SecretValue>> credentials;

  private OpenRequest(Builder b) {
    this.uri = b.uri;
    this.clock = b.clock;
    this.environment = b.environment;
    this.credentials = Map.copyOf(b.credentials);
  }

  /** A request for {@code uri} on the system clock and the process environment. */
  public static OpenRequest of(URI uri) {
    return builder(uri).build();
  }

  /** A builder for {@code uri}. */
  public static Builder builder(URI uri) {
    return new Builder(Objects.requireNonNull(uri, "uri"));
  }

  /** The backend URI. */
  public URI uri() {
    return uri;
  }

  /** The clock for the backend's own time (caches, expiry, timestamps it writes). */
  public Clock clock() {
    return clock;
  }

  /**
   * The value of environment variable {@code name}: a {@linkplain Builder#credential credential}
   * the application supplied under that name, else the environment's, else null.
   */
  public @Nullable String environment(String name) {
    Objects.requireNonNull(name, "name");
    Supplier<SecretValue> supplied = credentials.get(name);
    if (supplied != null) {
      SecretValue value = Objects.requireNonNull(supplied.get(), "credential " + name);
      try {
        return value.copyUtf8String();
      } finally {
        value.wipe();
      }
    }
    return environment.apply(name);
  }

  /** Never a credential: the URI without its user-info, and the names of supplied credentials. */
  @Override
  public String toString() {
    return "OpenRequest[" + uri.getScheme() + ":…, credentials=" + credentials.keySet() + "]";
  }

  /** Builds an {@link OpenRequest}. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private Clock clock = Clock.systemUTC();
    private Function<String, @Nullable String> environment = System::getenv;
    private final Map<String, Supplier<SecretValue>> credentials = new HashMap<>();

    private Builder(URI uri) {
      this.uri = uri;
    }

    /** The clock; the system clock if not set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The environment variables the backend sees instead of the process's. */
    public Builder environment(Map<String, String> variables) {
      Map<String, String> copy = Map.copyOf(variables);
      this.environment = copy::get;
      return this;
    }

    /** Looks environment variables up through {@code lookup} instead of the process. */
    public Builder environment(Function<String, @Nullable String> lookup) {
      this.environment = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /**
     * Supplies the variable {@code name} (such as {@code STRONGROOM_VAULT_TOKEN} or {@code
     * STRONGROOM_PASSPHRASE}) from code, asked each time the backend reads it.
     */
    public Builder credential(String name, Supplier<SecretValue> supplier) {
      credentials.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(supplier));
      return this;
    }

    /** Builds the request. */
    public OpenRequest build() {
      return new OpenRequest(this);
    }
  }
}
