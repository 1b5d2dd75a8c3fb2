package dev.strongroom.spring;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Watches the room's audit sinks: {@link #wrap} returns a sink that forwards every event and
 * remembers whether the last attempt failed, for the health indicator. (Failures are counted by the
 * room's own observer hook, not here.) Thread-safe.
 */
public final class AuditMonitor {
  private final Clock clock;
  private volatile Instant lastFailure;
  private volatile String lastFailureType;
  private volatile boolean failing;

  /** A monitor on the system clock. */
  public AuditMonitor() {
    this(Clock.systemUTC());
  }

  AuditMonitor(Clock clock) {
    this.clock = clock;
  }

  /** A sink that forwards to {@code sink} and reports its outcome here. */
  public AuditSink wrap(AuditSink sink) {
    Objects.requireNonNull(sink, "sink");
    return new AuditSink() {
      @Override
      public void record(AuditEvent event) {
        try {
          sink.record(event);
          failing = false;
        } catch (RuntimeException e) {
          failing = true;
          lastFailure = clock.instant();
          lastFailureType = e.getClass().getName();
          throw e;
        }
      }

      @Override
      public void close() {
        sink.close();
      }

      @Override
      public String toString() {
        return "Monitored[" + sink + "]";
      }
    };
  }

  /** Whether the last event a sink was given could not be recorded. */
  public boolean failing() {
    return failing;
  }

  /** When a sink last failed, or null. */
  Instant lastFailure() {
    return lastFailure;
  }

  /** The class of the last failure, or null. */
  String lastFailureType() {
    return lastFailureType;
  }
}
