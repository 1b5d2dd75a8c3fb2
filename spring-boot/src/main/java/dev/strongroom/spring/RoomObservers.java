package dev.strongroom.spring;

import dev.strongroom.apikey.Verification;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.observe.RoomObserver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The observer the auto-configured room is built with: it forwards every callback to the observers
 * {@linkplain #add added} to it (the Micrometer binder adds itself), so that beans created after
 * the room can still observe it. A room defined by the application observes nothing unless it is
 * built with {@code .observer(observers)} taking this bean. Thread-safe.
 */
public final class RoomObservers implements RoomObserver {
  private final List<RoomObserver> observers = new CopyOnWriteArrayList<>();

  /** An empty set of observers. */
  public RoomObservers() {}

  /** Adds {@code observer}; it is told from the next callback on. */
  public void add(RoomObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
  }

  /** Removes {@code observer}; whether it was there. */
  public boolean remove(RoomObserver observer) {
    return observers.remove(observer);
  }

  @Override
  public void cacheHit(String name) {
    observers.forEach(o -> o.cacheHit(name));
  }

  @Override
  public void cacheMiss(String name) {
    observers.forEach(o -> o.cacheMiss(name));
  }

  @Override
  public void backendCall(String operation, Duration latency, Class<? extends Throwable> error) {
    observers.forEach(o -> o.backendCall(operation, latency, error));
  }

  @Override
  public void staleRead(String name, Duration staleness) {
    observers.forEach(o -> o.staleRead(name, staleness));
  }

  @Override
  public void leaseEvent(String path, LeaseEvent.Type type) {
    observers.forEach(o -> o.leaseEvent(path, type));
  }

  @Override
  public void rotation(
      String name, dev.strongroom.observe.RotationOutcome outcome, Duration duration) {
    observers.forEach(o -> o.rotation(name, outcome, duration));
  }

  @Override
  public void auditFailure(String operation, Class<? extends Throwable> error) {
    observers.forEach(o -> o.auditFailure(operation, error));
  }

  @Override
  public void apiKeyVerification(Verification.Outcome outcome) {
    observers.forEach(o -> o.apiKeyVerification(outcome));
  }

  @Override
  public String toString() {
    return "RoomObservers[" + observers.size() + "]";
  }
}
