package dev.strongroom.hikari;

import com.zaxxer.hikari.util.Credentials;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that retries a refused login once with a credential re-read from the backend (see
 * {@link StrongroomCredentialsProvider#retrying}). Thread-safe if its target is.
 */
final class RetryingDataSource implements DataSource {
  private final DataSource target;
  private final StrongroomCredentialsProvider provider;

  RetryingDataSource(DataSource target, StrongroomCredentialsProvider provider) {
    this.target = target;
    this.provider = provider;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Credentials c = provider.getCredentials();
    return getConnection(c.getUsername(), c.getPassword());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    try {
      return target.getConnection(username, password);
    } catch (SQLException refused) {
      if (!StrongroomCredentialsProvider.isAuthFailure(refused)) {
        throw refused;
      }
      Credentials fresh;
      try {
        fresh = provider.afterAuthFailure(username, password);
      } catch (RuntimeException e) {
        refused.addSuppressed(e);
        throw refused;
      }
      if (fresh == null) {
        throw refused;
      }
      try {
        return target.getConnection(fresh.getUsername(), fresh.getPassword());
      } catch (SQLException again) {
        again.addSuppressed(refused);
        throw again;
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "RetryingDataSource[" + target.getClass().getSimpleName() + "]";
  }
}
