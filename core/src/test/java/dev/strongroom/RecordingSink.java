package dev.strongroom;

import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An audit sink for tests: keeps each event as {@code "principal operation resource version
 * outcome"} (outcome in lower case), and throws while {@link #broken} is set. Thread-safe.
 */
final class RecordingSink implements AuditSink {
  final List<String> records = new CopyOnWriteArrayList<>();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final AtomicBoolean broken = new AtomicBoolean();
  final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public void record(AuditEvent e) {
    if (broken.get()) {
      throw new IllegalStateException("audit disk full");
    }
    events.add(e);
    records.add(
        e.principal()
            + " "
            + e.operation()
            + " "
            + e.resource()
            + " "
            + e.version()
            + " "
            + e.outcome().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void close() {
    closed.set(true);
  }

  void clear() {
    records.clear();
    events.clear();
  }
}
