package dev.strongroom.vault;

import dev.strongroom.SecretValue;
import dev.strongroom.vault.internal.Backoff;
import dev.strongroom.vault.internal.Login;
import dev.strongroom.vault.internal.Loopback;
import dev.strongroom.vault.internal.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How to reach and authenticate to a Vault or OpenBao server: address, namespace, CA file, mounts,
 * deadlines, retries and one authentication method. {@link #toString()} shows the address, the
 * method and the settings, never a token, role id, secret id or JWT.
 *
 * <p>Immutable and thread-safe. It holds credentials as {@link SecretValue}s owned by the caller:
 * wiping them makes the configuration unusable for new logins.
 */
public final class VaultConfig {
  /** The default bound on a response body: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  /** Where Kubernetes mounts the service account token. */
  public static final Path DEFAULT_JWT_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private final URI address;
  private final String namespace;
  private final Path caFile;
  private final String kvMount;
  private final String transitMount;
  private final Duration requestTimeout;
  private final Duration deadline;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final long maxResponseBytes;
  private final boolean plainHttpAllowed;
  private final String authMethod;
  private final Login login;
  private final Duration tokenCheckInterval;

  private VaultConfig(Builder b) {
    this.tokenCheckInterval = b.tokenCheckInterval;
    this.address = b.address;
    this.namespace = b.namespace;
    this.caFile = b.caFile;
    this.kvMount = b.kvMount;
    this.transitMount = b.transitMount;
    this.requestTimeout = b.requestTimeout;
    this.deadline = b.deadline;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.clock = b.clock;
    this.maxResponseBytes = b.maxResponseBytes;
    this.plainHttpAllowed = b.plainHttpAllowed;
    this.authMethod = b.authMethod;
    this.login = b.login;
  }

  /** A builder for the server at {@code address} ({@code https://host:8200}). */
  public static Builder builder(URI address) {
    return new Builder(address);
  }

  /** The server's address. */
  public URI address() {
    return address;
  }

  /** The namespace sent as {@code X-Vault-Namespace}, if any. */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /** The PEM CA file trusted instead of the JDK's trust store, if any. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** The KV version 2 mount holding secrets. */
  public String kvMount() {
    return kvMount;
  }

  /** The Transit mount holding key-encryption keys. */
  public String transitMount() {
    return transitMount;
  }

  /**
   * The authentication method: {@code token}, {@code approle}, {@code kubernetes} or {@code jwt}.
   */
  public String authMethod() {
    return authMethod;
  }

  /** The deadline of one HTTP exchange. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** The deadline of one call including its retries. */
  public Duration deadline() {
    return deadline;
  }

  /** Attempts per call on 5xx, 429 and connection errors (1: no retries). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * How often the background renewer looks the token up ({@code auth/token/lookup-self}), which
   * bounds the time to notice a token revoked out of band; default 30 s.
   */
  public Duration tokenCheckInterval() {
    return tokenCheckInterval;
  }

  /** The largest response body the client reads; a longer one fails the call. */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  Transport transport() {
    return new Transport(
        address,
        namespace,
        caFile,
        requestTimeout,
        deadline,
        maxAttempts,
        Backoff.of(initialBackoff, maxBackoff),
        clock,
        Transport.Sleeper.threadSleep(),
        maxResponseBytes);
  }

  Login login() {
    return login;
  }

  @Override
  public String toString() {
    return "VaultConfig[address="
        + address
        + (namespace == null ? "" : ", namespace=" + namespace)
        + (caFile == null ? "" : ", caFile=" + caFile)
        + ", auth="
        + authMethod
        + ", kv="
        + kvMount
        + ", transit="
        + transitMount
        + ", requestTimeout="
        + requestTimeout
        + ", deadline="
        + deadline
        + ", maxResponseBytes="
        + maxResponseBytes
        + (plainHttpAllowed ? ", insecureHttp" : "")
        + ", maxAttempts="
        + maxAttempts
        + ", tokenCheckInterval="
        + tokenCheckInterval
        + "]";
  }

  /** Builds a {@link VaultConfig}. Not thread-safe; the configuration it builds is. */
  public static final class Builder {
    private final URI address;
    private String namespace;
    private Path caFile;
    private String kvMount = "secret";
    private String transitMount = "transit";
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration deadline = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private boolean plainHttpAllowed;
    private String authMethod;
    private Login login;
    private Duration tokenCheckInterval = Duration.ofSeconds(30);

    private Builder(URI address) {
      Objects.requireNonNull(address, "address");
      String scheme = address.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("expected an http or https address but was " + scheme);
      }
      if (address.getRawUserInfo() != null || address.getHost() == null) {
        throw new IllegalArgumentException("expected an address with a host and no user-info");
      }
      this.address = address;
    }

    /** Sends {@code X-Vault-Namespace: namespace} with every request. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** Trusts the certificates in the PEM file {@code caFile} instead of the JDK's. */
    public Builder caFile(Path caFile) {
      this.caFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /** The KV v2 mount; default {@code secret}. */
    public Builder kvMount(String mount) {
      this.kvMount = checkMount(mount);
      return this;
    }

    /** The Transit mount; default {@code transit}. */
    public Builder transitMount(String mount) {
      this.transitMount = checkMount(mount);
      return this;
    }

    /** The deadline of one HTTP exchange; default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** The deadline of a call including retries; default 30 s. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * How often the background renewer looks the token up, which bounds the time until a token
     * revoked out of band is noticed (its leases reported invalid and the room logged in again);
     * default 30 s, at least 100 ms, at most 1 hour.
     */
    public Builder tokenCheckInterval(Duration interval) {
      positive(interval, "tokenCheckInterval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0
          || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "expected a token check interval from 100 ms to 1 h but was " + interval);
      }
      this.tokenCheckInterval = interval;
      return this;
    }

    /** Attempts per call; default 4. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("expected 1 to 20 attempts but was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * The backoff between attempts: jittered, doubling from {@code initial}, capped at {@code max}.
     */
    public Builder backoff(Duration initial, Duration max) {
      Backoff.of(initial, max);
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** The clock for deadlines and token renewal; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The largest response body read from the server; default {@value
     * VaultConfig#DEFAULT_MAX_RESPONSE_BYTES} bytes (32 MiB). A longer answer fails the call with a
     * {@link dev.strongroom.exception.StrongroomException} that names the bound; the client stops
     * reading it at the bound (or at once when the server declares a longer length).
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("expected a positive maxResponseBytes but was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Allows a plain {@code http} address that is not a loopback address. Without it, such an
     * address is refused: the token would travel in clear. Loopback addresses ({@code 127.0.0.0/8},
     * {@code ::1}, {@code localhost}) never need it.
     */
    public Builder allowPlainHttp() {
      this.plainHttpAllowed = true;
      return this;
    }

    /** Authenticates with {@code token}, renewing it when it is renewable. */
    public Builder token(SecretValue token) {
      return auth("token", Login.token(token));
    }

    /** Authenticates with the token in {@code file}, read again whenever the token is refused. */
    public Builder tokenFile(Path file) {
      return auth("token", Login.tokenFile(file));
    }

    /** Authenticates with AppRole at {@code auth/MOUNT/login}. */
    public Builder appRole(String mount, SecretValue roleId, SecretValue secretId) {
      return auth("approle", Login.appRole(checkMount(mount), roleId, secretId));
    }

    /** Authenticates with Kubernetes at {@code auth/MOUNT/login} as {@code role}. */
    public Builder kubernetes(String mount, String role, Path jwtFile) {
      return auth("kubernetes", Login.kubernetes(checkMount(mount), checkRole(role), jwtFile));
    }

    /**
     * Authenticates with JWT/OIDC at {@code auth/MOUNT/login} as {@code role}, with the JWT in
     * {@code jwtFile}. The file is read again at every login, so a rotated projected or CI token is
     * picked up.
     */
    public Builder jwt(String mount, String role, Path jwtFile) {
      return auth("jwt", Login.jwt(checkMount(mount), checkRole(role), jwtFile));
    }

    /**
     * Authenticates with JWT/OIDC at {@code auth/MOUNT/login} as {@code role}, with a JWT that
     * {@code jwt} supplies at every login. The configuration closes each value after the login; the
     * supplier must be thread-safe.
     */
    public Builder jwt(String mount, String role, Supplier<SecretValue> jwt) {
      return auth("jwt", Login.jwt(checkMount(mount), checkRole(role), jwt));
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if no authentication method was set
     */
    public VaultConfig build() {
      if ("http".equalsIgnoreCase(address.getScheme())
          && !plainHttpAllowed
          && !Loopback.is(address.getHost())) {
        throw new IllegalArgumentException(
            "expected https for the non-loopback host "
                + address.getHost()
                + ": plain http would send the token in clear; use tls=true, or set"
                + " insecure_http=true (URI) / allowPlainHttp() (builder) if a trusted proxy"
                + " terminates TLS");
      }
      if (login == null) {
        throw new IllegalStateException(
            "expected an authentication method (token, tokenFile, appRole, kubernetes or jwt) but"
                + " none was set");
      }
      return new VaultConfig(this);
    }

    private Builder auth(String method, Login login) {
      this.authMethod = method;
      this.login = login;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
      }
      return d;
    }

    private static String checkRole(String role) {
      Objects.requireNonNull(role, "role");
      if (role.isEmpty()) {
        throw new IllegalArgumentException("expected a role name but it was empty");
      }
      return role;
    }

    private static String checkMount(String mount) {
      Objects.requireNonNull(mount, "mount");
      if (!mount.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
          || mount.matches("(.*/)?\\.{1,2}(/.*)?")) {
        throw new IllegalArgumentException("expected a mount path but was '" + mount + "'");
      }
      return mount;
    }
  }
}
