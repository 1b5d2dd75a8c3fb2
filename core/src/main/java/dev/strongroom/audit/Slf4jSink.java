package dev.strongroom.audit;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each event at INFO to the logger {@code strongroom.audit}. Thread-safe. */
final class Slf4jSink implements AuditSink {
  static final String LOGGER = "strongroom.audit";
  private final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    log.atInfo()
        .setMessage("audit {} {} {} v{} by {} at {}{}")
        .addArgument(event.outcome())
        .addArgument(event.operation())
        .addArgument(event.resource())
        .addArgument(event.version())
        .addArgument(event.principal())
        .addArgument(event.time())
        .addArgument(event.detail().isEmpty() ? "" : ": " + event.detail())
        .log();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "AuditSink[slf4j " + LOGGER + "]";
  }
}
