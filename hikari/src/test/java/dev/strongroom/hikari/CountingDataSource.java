package dev.strongroom.hikari;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Counts logins that succeed and fail through a data source. Thread-safe if the target is. */
final class CountingDataSource implements DataSource {
  final AtomicLong opened = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private final DataSource target;

  CountingDataSource(DataSource target) {
    this.target = target;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return count(() -> target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return count(() -> target.getConnection(username, password));
  }

  private interface Login {
    Connection open() throws SQLException;
  }

  private Connection count(Login login) throws SQLException {
    try {
      Connection c = login.open();
      opened.incrementAndGet();
      return c;
    } catch (SQLException | RuntimeException e) {
      failed.incrementAndGet();
      throw e;
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
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
