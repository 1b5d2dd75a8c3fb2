package dev.strongroom.hikari;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.Credentials;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.lease.LeasedCredential;
import dev.strongroom.spi.SecretVersion;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP {@link HikariCredentialsProvider} fed by a room: each new pool connection gets the
 * current database credential, from one secret holding {@code {"username": .., "password": ..}},
 * from two secrets (a username and a password), or from a dynamic-credentials lease ({@link
 * Strongroom#lease}, fields {@code username} and {@code password}).
 *
 * <pre>{@code
 * StrongroomCredentialsProvider credentials = StrongroomCredentialsProvider.fromSecret(room, "db/app");
 * HikariConfig config = new HikariConfig();
 * config.setJdbcUrl("jdbc:postgresql://db/app");
 * HikariDataSource pool = credentials.newPool(config);
 * }</pre>
 *
 * <p>When the credential changes (the room sees a new CURRENT version, or the lease is rotated) the
 * pools built by {@link #newPool} or {@linkplain #evictOnChange attached} are soft-evicted: idle
 * connections close at once and busy ones when they are returned, so new connections log in with
 * the new credential while running queries finish. When the database refuses a login (SQLState
 * {@code 28P01} or {@code 28000}) through a {@linkplain #retrying retrying} data source, the
 * provider re-reads the credential from the backend at once and retries that login once, so an
 * instance that has not yet heard of a rotation recovers on its first refused connection instead of
 * at its next refresh.
 *
 * <p>The credential is read from the backend (its CURRENT version number first, then that version),
 * not from the room's cache, and only ever replaced by a newer version, so listener deliveries out
 * of order cannot move it back. Thread-safe; {@link #getCredentials} is called on HikariCP's
 * connection-adder threads, change handling runs on the room's listener or lease thread. {@link
 * #close()} stops watching; it does not close the room or the pools. Never logs or prints a value;
 * HikariCP's {@link Credentials} holds the password as a {@code String}, which cannot be wiped.
 */
public final class StrongroomCredentialsProvider
    implements HikariCredentialsProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StrongroomCredentialsProvider.class);

  /** Where the credential comes from. */
  private interface Source {
    /** Reads the credential as the backend has it now. */
    Snapshot read();

    /** Starts calling {@code onChange} when the credential may have changed. */
    Strongroom.Registration watch(Runnable onChange);

    String describe();
  }

  /** A credential and the version(s) it was read at; versions only grow. */
  private record Snapshot(long[] versions, String leaseId, Credentials credentials) {
    boolean newerThan(Snapshot other) {
      if (other == null) {
        return true;
      }
      if (leaseId != null) {
        return !leaseId.equals(other.leaseId);
      }
      boolean greater = false;
      for (int i = 0; i < versions.length; i++) {
        if (versions[i] < other.versions[i]) {
          return false;
        }
        greater |= versions[i] > other.versions[i];
      }
      return greater;
    }
  }

  private final Source source;
  private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();
  private final List<Strongroom.Registration> registrations = new CopyOnWriteArrayList<>();
  private final AtomicLong authRetries = new AtomicLong();
  private volatile Snapshot snapshot;

  private StrongroomCredentialsProvider(Source source) {
    this.source = source;
    registrations.add(source.watch(this::refreshQuietly));
  }

  /**
   * The credential in secret {@code name}: a JSON object with {@code username} and {@code
   * password}.
   */
  public static StrongroomCredentialsProvider fromSecret(Strongroom room, String name) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(name, "name");
    return new StrongroomCredentialsProvider(new SecretSource(room, List.of(name)));
  }

  /** The username in secret {@code usernameName} and the password in {@code passwordName}. */
  public static StrongroomCredentialsProvider fromSecrets(
      Strongroom room, String usernameName, String passwordName) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(usernameName, "usernameName");
    Objects.requireNonNull(passwordName, "passwordName");
    return new StrongroomCredentialsProvider(
        new SecretSource(room, List.of(usernameName, passwordName)));
  }

  /**
   * The dynamic credentials leased at {@code path} (for Vault, e.g. {@code database/creds/app}),
   * acquired now with {@link Strongroom#lease}; the room renews and rotates the lease and revokes
   * it when it closes, or when this provider closes.
   */
  public static StrongroomCredentialsProvider fromLease(Strongroom room, String path) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(path, "path");
    return new StrongroomCredentialsProvider(new LeaseSource(room, room.lease(path)));
  }

  /**
   * The current credential, for a new connection.
   *
   * @throws StrongroomException if it was never read and the backend cannot give it now
   */
  @Override
  public Credentials getCredentials() {
    Snapshot s = snapshot;
    if (s == null) {
      s = refresh();
    }
    return s.credentials();
  }

  /**
   * Re-reads the credential from the backend now and, if it is newer, uses it for new connections
   * and soft-evicts the attached pools.
   *
   * @return the credential in use after the refresh
   */
  public Credentials refreshNow() {
    return refresh().credentials();
  }

  /**
   * Builds a pool from {@code config} with this provider: sets it as the credentials provider,
   * wraps the data source (or a driver data source for the config's JDBC URL) in a {@linkplain
   * #retrying retrying} one, and attaches the pool for soft eviction. The caller closes the pool.
   */
  public HikariDataSource newPool(HikariConfig config) {
    Objects.requireNonNull(config, "config");
    DataSource target = config.getDataSource();
    if (target == null) {
      if (config.getJdbcUrl() == null) {
        throw new IllegalArgumentException(
            "expected a HikariConfig with a jdbcUrl or a dataSource but it had neither");
      }
      target =
          new DriverDataSource(
              config.getJdbcUrl(),
              config.getDriverClassName(),
              config.getDataSourceProperties(),
              null,
              null);
    }
    config.setDataSource(retrying(target));
    config.setCredentialsProvider(this);
    HikariDataSource pool = new HikariDataSource(config);
    evictOnChange(pool);
    return pool;
  }

  /**
   * Soft-evicts {@code pool}'s connections each time the credential changes.
   *
   * @return what detaches the pool
   */
  public Strongroom.Registration evictOnChange(HikariDataSource pool) {
    Objects.requireNonNull(pool, "pool");
    pools.add(pool);
    return () -> pools.remove(pool);
  }

  /**
   * A data source that logs in to {@code target} with this provider's credential ({@code
   * getConnection()}) or the one HikariCP passes ({@code getConnection(user, password)}); if the
   * database refuses the login (SQLState {@code 28P01} or {@code 28000}), it re-reads the
   * credential from the backend and, if that gives a different one, retries once. Thread-safe if
   * {@code target} is.
   */
  public DataSource retrying(DataSource target) {
    return new RetryingDataSource(Objects.requireNonNull(target, "target"), this);
  }

  /** How many refused logins were retried with a re-read credential. */
  public long authRetries() {
    return authRetries.get();
  }

  /** Stops watching the credential (and revokes a lease it acquired); pools stay open. */
  @Override
  public void close() {
    registrations.forEach(Strongroom.Registration::close);
    registrations.clear();
    pools.clear();
  }

  @Override
  public String toString() {
    return "StrongroomCredentialsProvider[" + source.describe() + "]";
  }

  /** Called by the retrying data source after a refused login; the credential to retry with. */
  Credentials afterAuthFailure(String failedUser, String failedPassword) {
    Credentials fresh = refresh().credentials();
    if (fresh.getUsername().equals(failedUser)
        && Objects.equals(fresh.getPassword(), failedPassword)) {
      return null; // nothing newer: retrying would fail the same way
    }
    authRetries.incrementAndGet();
    return fresh;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (StrongroomException | IllegalStateException e) {
      LOG.warn("could not re-read the credential of {}: {}", source.describe(), e.getMessage());
    }
  }

  private Snapshot refresh() {
    Snapshot read = source.read();
    synchronized (this) {
      Snapshot old = snapshot;
      if (!read.newerThan(old)) {
        return old;
      }
      snapshot = read;
      if (old == null) {
        return read;
      }
    }
    LOG.info("credential of {} changed; soft-evicting {} pool(s)", source.describe(), pools.size());
    for (HikariDataSource pool : pools) {
      HikariPoolMXBean bean = pool.getHikariPoolMXBean();
      if (bean != null) {
        bean.softEvictConnections();
      }
    }
    return read;
  }

  /** One secret with a JSON credential, or a username secret and a password secret. */
  private static final class SecretSource implements Source {
    private final Strongroom room;
    private final List<String> names;

    SecretSource(Strongroom room, List<String> names) {
      this.room = room;
      this.names = names;
    }

    @Override
    public Snapshot read() {
      long[] versions = new long[names.size()];
      SecretValue[] values = new SecretValue[names.size()];
      try {
        for (int i = 0; i < names.size(); i++) {
          String name = names.get(i);
          SecretVersion current =
              room.metadata(name)
                  .withStage(Stage.CURRENT)
                  .orElseThrow(() -> new NotFoundException("secret '" + name + "' has no CURRENT"));
          versions[i] = current.version();
          values[i] = room.secret(SecretRef.ofVersion(name, current.version()));
        }
        Credentials credentials =
            values.length == 1
                ? DbCredential.parse(names.get(0), values[0])
                : Credentials.of(values[0].copyUtf8String(), values[1].copyUtf8String());
        return new Snapshot(versions, null, credentials);
      } finally {
        for (SecretValue v : values) {
          if (v != null) {
            v.wipe();
          }
        }
      }
    }

    @Override
    public Strongroom.Registration watch(Runnable onChange) {
      List<Strongroom.Registration> watches =
          names.stream().map(n -> room.onChange(n, (name, v, value) -> onChange.run())).toList();
      return () -> watches.forEach(Strongroom.Registration::close);
    }

    @Override
    public String describe() {
      return "secret " + String.join(" + ", names);
    }
  }

  /** A dynamic-credentials lease; the lease manager replaces its fields when it rotates it. */
  private static final class LeaseSource implements Source {
    private final Strongroom room;
    private final LeasedCredential credential;

    LeaseSource(Strongroom room, LeasedCredential credential) {
      this.room = room;
      this.credential = credential;
    }

    @Override
    public Snapshot read() {
      Credentials credentials =
          Credentials.of(
              credential.field("username").copyUtf8String(),
              credential.field("password").copyUtf8String());
      return new Snapshot(new long[0], credential.lease().id(), credentials);
    }

    @Override
    public Strongroom.Registration watch(Runnable onChange) {
      Strongroom.Registration events =
          room.onLeaseEvent(
              event -> {
                if (event.type() == LeaseEvent.Type.ROTATED
                    && event.path().equals(credential.path())) {
                  onChange.run();
                }
              });
      return () -> {
        events.close();
        credential.revoke();
      };
    }

    @Override
    public String describe() {
      return "lease " + credential.path();
    }
  }

  static boolean isAuthFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          String state = s.getSQLState();
          if ("28P01".equals(state) || "28000".equals(state)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
