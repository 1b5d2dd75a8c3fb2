package dev.strongroom.spring;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.Verification;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.observe.RotationOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;

/**
 * Micrometer meters for a room, fed through core's {@link RoomObserver} hook. Tags are bounded sets
 * (results, outcomes, operations, exception classes), never secret names, so cardinality stays
 * small:
 *
 * <ul>
 *   <li>{@code strongroom.cache.gets} counter, {@code result=hit|miss}
 *   <li>{@code strongroom.backend.calls} timer, {@code operation}, {@code outcome=success|error},
 *       {@code exception}
 *   <li>{@code strongroom.reads.stale} timer of the staleness of each read served stale
 *   <li>{@code strongroom.secrets.staleness.max} time gauge over the watched secrets
 *   <li>{@code strongroom.lease.events} counter, {@code
 *       event=renewed|rotated|expired|revoked|failed}
 *   <li>{@code strongroom.rotations} timer, {@code
 *       outcome=promoted|rejected|conflict|backend_error}
 *   <li>{@code strongroom.audit.failures} counter, {@code exception}
 *   <li>{@code strongroom.apikey.verifications} counter, {@code outcome=valid|invalid|...}
 * </ul>
 *
 * <p>Every count comes from the room's own hook (the auto-configured room is built with the {@link
 * RoomObservers} bean, to which this binder adds itself); the staleness gauge reads {@link
 * Strongroom#staleness}. Thread-safe: callbacks may come from any thread.
 */
public final class StrongroomMetrics implements MeterBinder, RoomObserver, DisposableBean {
  private final Strongroom room;
  private final Supplier<Collection<String>> watched;
  private final RoomObservers observers;
  private volatile MeterRegistry registry;

  StrongroomMetrics(
      Strongroom room, RoomObservers observers, Supplier<Collection<String>> watched) {
    this.room = room;
    this.watched = watched;
    this.observers = observers;
    observers.add(this);
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    this.registry = registry;
    TimeGauge.builder(
            "strongroom.secrets.staleness.max",
            this,
            TimeUnit.MILLISECONDS,
            m -> m.maxStalenessMillis())
        .description("The oldest a watched secret is since the backend last confirmed it")
        .register(registry);
  }

  private double maxStalenessMillis() {
    long max = 0;
    for (String name : watched.get()) {
      try {
        Optional<Duration> s = room.staleness(name);
        if (s.isPresent()) {
          max = Math.max(max, s.get().toMillis());
        }
      } catch (RuntimeException e) {
        // a gauge never throws; health reports the failure
      }
    }
    return max;
  }

  @Override
  public void cacheHit(String name) {
    counter("strongroom.cache.gets", "result", "hit");
  }

  @Override
  public void cacheMiss(String name) {
    counter("strongroom.cache.gets", "result", "miss");
  }

  @Override
  public void backendCall(String operation, Duration latency, Class<? extends Throwable> error) {
    MeterRegistry r = registry;
    if (r != null) {
      Timer.builder("strongroom.backend.calls")
          .description("Calls from the room to its backend")
          .tag("operation", operation)
          .tag("outcome", error == null ? "success" : "error")
          .tag("exception", error == null ? "none" : error.getSimpleName())
          .register(r)
          .record(latency);
    }
  }

  @Override
  public void staleRead(String name, Duration staleness) {
    MeterRegistry r = registry;
    if (r != null) {
      Timer.builder("strongroom.reads.stale")
          .description("Reads served from the cache while the backend failed, by staleness")
          .register(r)
          .record(staleness);
    }
  }

  @Override
  public void leaseEvent(String path, LeaseEvent.Type type) {
    counter("strongroom.lease.events", "event", lower(type.name()));
  }

  @Override
  public void rotation(String name, RotationOutcome outcome, Duration duration) {
    MeterRegistry r = registry;
    if (r != null) {
      Timer.builder("strongroom.rotations")
          .description("Secret rotations by outcome")
          .tag("outcome", lower(outcome.name()))
          .register(r)
          .record(duration);
    }
  }

  @Override
  public void auditFailure(String operation, Class<? extends Throwable> error) {
    counter("strongroom.audit.failures", "exception", error.getSimpleName());
  }

  @Override
  public void apiKeyVerification(Verification.Outcome outcome) {
    counter("strongroom.apikey.verifications", "outcome", lower(outcome.name()));
  }

  private void counter(String name, String tag, String value) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder(name).tag(tag, value).register(r).increment();
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public void destroy() {
    observers.remove(this);
  }
}
