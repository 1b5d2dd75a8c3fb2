package dev.strongroom.internal.room;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Adapts a room's {@link AuditSink}s to its {@link AccessRecorder}: each access becomes one {@link
 * AuditEvent} stamped with the room's clock and given to every sink in order. A sink that throws
 * stops the chain and the exception propagates, so the room refuses the access (fail-closed).
 *
 * <p>Thread-safe if the sinks are (they must be). Not for public use.
 */
public final class AuditRecorder implements AccessRecorder, AutoCloseable {
  private final Clock clock;
  private final AuditSink[] sinks;

  private AuditRecorder(Clock clock, List<AuditSink> sinks) {
    this.clock = clock;
    this.sinks = List.copyOf(sinks).toArray(new AuditSink[0]);
  }

  /** A recorder over {@code sinks}, or {@link AccessRecorder#NOOP} if there are none. */
  public static AccessRecorder of(Clock clock, List<AuditSink> sinks) {
    return sinks.isEmpty() ? NOOP : new AuditRecorder(clock, sinks);
  }

  @Override
  public void record(
      String principal,
      String operation,
      String name,
      long version,
      String outcome,
      String detail) {
    record(principal, operation, name, version, outcome(outcome), detail);
  }

  @Override
  public void record(
      String principal,
      String operation,
      String name,
      long version,
      AuditEvent.Outcome outcome,
      String detail) {
    record(principal, operation, name, version, outcome, detail, clock.instant());
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void record(
      String principal,
      String operation,
      String name,
      long version,
      AuditEvent.Outcome outcome,
      String detail,
      Instant time) {
    AuditEvent event = new AuditEvent(time, principal, operation, name, version, outcome, detail);
    for (AuditSink sink : sinks) {
      sink.record(event);
    }
  }

  /** Closes every sink, keeping the first failure and adding the others to it. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (AuditSink sink : sinks) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static AuditEvent.Outcome outcome(String outcome) {
    switch (outcome) {
      case OK:
        return AuditEvent.Outcome.OK;
      case DENIED:
        return AuditEvent.Outcome.DENIED;
      case NOT_FOUND:
        return AuditEvent.Outcome.NOT_FOUND;
      case INTENT:
        return AuditEvent.Outcome.INTENT;
      case ERROR:
        return AuditEvent.Outcome.ERROR;
      default:
        throw new IllegalArgumentException(
            "expected an access outcome such as ok or denied but was '" + outcome + "'");
    }
  }

  @Override
  public String toString() {
    return "AuditRecorder" + List.of(sinks);
  }
}
