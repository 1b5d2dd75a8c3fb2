package dev.strongroom.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic scheduler over a {@link TestClock}: nothing runs until {@link #advance} moves the
 * clock, task by task, to each due time in order (ties in submission order), on the test thread.
 */
public final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final TestClock clock;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long sequence;
  private boolean shutdown;

  public FakeScheduler(TestClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    Instant target = clock.instant().plus(duration);
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due.isAfter(target)) {
          break;
        }
        queue.poll();
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.runTask();
    }
    clock.set(target);
  }

  /** Runs what is due now. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  public synchronized int pending() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task<?> task =
        new Task<>(
            clock.instant().plusNanos(unit.toNanos(delay)),
            sequence++,
            () -> {
              command.run();
              return null;
            });
    queue.add(task);
    return task;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    queue.clear();
    return new ArrayList<>();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> implements ScheduledFuture<V>, Comparable<Delayed> {
    final Instant due;
    final long seq;
    final Callable<V> body;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Instant due, long seq, Callable<V> body) {
      this.due = due;
      this.seq = seq;
      this.body = body;
    }

    void runTask() {
      if (cancelled) {
        return;
      }
      try {
        body.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> that = (Task<?>) other;
      int byDue = due.compareTo(that.due);
      return byDue != 0 ? byDue : Long.compare(seq, that.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (FakeScheduler.this) {
        cancelled = true;
        queue.remove(this);
      }
      return !done;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public V get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public V get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }
}
