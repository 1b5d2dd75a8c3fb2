package dev.strongroom.spring;

import dev.strongroom.Strongroom;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.lease.LeaseEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the room, DOWN when it is not what the application believes it is: a watched secret
 * (every imported one) is served older than {@code strongroom.health.max-staleness} since the
 * backend last confirmed it, or cannot be read at all; a lease's last event is a failed renewal or
 * rotation, or its end; or the audit sink failed the last event it was given (the room, being
 * fail-closed, then refuses accesses). Details name secrets, lease paths and exception classes,
 * never values. Thread-safe; lease events arrive on the room's lease thread.
 */
public final class StrongroomHealthIndicator implements HealthIndicator, DisposableBean {
  private final Strongroom room;
  private final AuditMonitor audit;
  private final Supplier<Collection<String>> watched;
  private final Duration maxStaleness;
  private final Map<String, LeaseEvent.Type> leases = new ConcurrentHashMap<>();
  private final Strongroom.Registration leaseEvents;

  StrongroomHealthIndicator(
      Strongroom room,
      AuditMonitor audit,
      Supplier<Collection<String>> watched,
      Duration maxStaleness) {
    this.room = room;
    this.audit = audit;
    this.watched = watched;
    this.maxStaleness = maxStaleness;
    this.leaseEvents =
        room.onLeaseEvent(
            event -> {
              if (event.type() == LeaseEvent.Type.REVOKED) {
                leases.remove(event.path());
              } else {
                leases.put(event.path(), event.type());
              }
            });
  }

  @Override
  public Health health() {
    boolean down = false;
    Map<String, Object> stale = new TreeMap<>();
    Map<String, Object> unreadable = new TreeMap<>();
    for (String name : watched.get()) {
      try {
        Optional<Duration> staleness = room.staleness(name);
        if (staleness.isEmpty()) {
          room.secret(name).wipe(); // not cached: read it once
          staleness = room.staleness(name);
        }
        if (staleness.isPresent() && staleness.get().compareTo(maxStaleness) > 0) {
          stale.put(name, staleness.get().toString());
          down = true;
        }
      } catch (StrongroomException | IllegalStateException e) {
        unreadable.put(name, e.getClass().getSimpleName());
        down = true;
      }
    }
    Map<String, Object> failedLeases = new TreeMap<>();
    leases.forEach(
        (path, type) -> {
          if (type == LeaseEvent.Type.FAILED || type == LeaseEvent.Type.EXPIRED) {
            failedLeases.put(path, type.name());
          }
        });
    down |= !failedLeases.isEmpty();
    boolean auditFailing = audit.failing();
    down |= auditFailing;

    Health.Builder builder = down ? Health.down() : Health.up();
    builder.withDetail("maxStaleness", maxStaleness.toString());
    if (!stale.isEmpty()) {
      builder.withDetail("stale", stale);
    }
    if (!unreadable.isEmpty()) {
      builder.withDetail("unreadable", unreadable);
    }
    if (!failedLeases.isEmpty()) {
      builder.withDetail("leases", failedLeases);
    }
    if (auditFailing) {
      builder.withDetail("audit", "failing: " + audit.lastFailureType());
    }
    return builder.build();
  }

  @Override
  public void destroy() {
    leaseEvents.close();
  }
}
