package dev.strongroom.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import javax.sql.DataSource;

/**
 * Threads that run {@code SELECT current_user} through a pool without pause until stopped, counting
 * queries, failures and the longest iteration (connection borrow plus query), and which database
 * users answered. Thread-safe.
 */
final class QueryLoop {
  final AtomicLong queries = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final LongAccumulator longestNanos = new LongAccumulator(Math::max, 0);
  final Map<String, AtomicLong> users = new ConcurrentHashMap<>();
  final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  QueryLoop(String name, DataSource pool, int threadCount) {
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(() -> run(pool), name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(DataSource pool) {
    while (running.get()) {
      long start = System.nanoTime();
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT current_user")) {
        r.next();
        users.computeIfAbsent(r.getString(1), k -> new AtomicLong()).incrementAndGet();
        queries.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        failures.incrementAndGet();
        if (errors.size() < 5) {
          errors.add(e);
        }
      }
      longestNanos.accumulate(System.nanoTime() - start);
    }
  }

  /** Queries answered as {@code user} so far. */
  long answeredAs(String user) {
    AtomicLong n = users.get(user);
    return n == null ? 0 : n.get();
  }

  /** Stops the threads and waits for them. */
  void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
