package dev.strongroom.internal.room;

import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.observe.RoomObserver;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one audit helper of a room: every part (the facade, keys, envelope, leases, env import, API
 * keys) records through it, with one fail-closed policy. An access is recorded after it succeeded
 * and before its result is handed out; if the record cannot be written the access is refused with
 * {@link AccessDeniedException} and its result is discarded (a value read is wiped, a lease
 * revoked). A change first records an {@link Outcome#INTENT}: if that cannot be written, nothing is
 * changed. Failures are recorded as {@link Outcome#NOT_FOUND} or {@link Outcome#ERROR} with the
 * exception's class name. Only events that already happened and cannot be refused (a lease expiring
 * on the lease thread) use {@link #recordAfterTheFact}, which logs a failing sink.
 *
 * <p>Never given a secret value. Thread-safe if the recorder is. Not for public use.
 */
public final class AuditTrail {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  /** The version recorded when an access concerns no version. */
  public static final long NO_VERSION = 0;

  private final AccessRecorder recorder;
  private final String principal;
  private final RoomObserver observer;

  private AuditTrail(AccessRecorder recorder, String principal, RoomObserver observer) {
    this.recorder = recorder;
    this.principal = principal;
    this.observer = observer;
  }

  /** The trail of a room acting for {@code principal}, recording into {@code recorder}. */
  public static AuditTrail of(AccessRecorder recorder, String principal) {
    return new AuditTrail(recorder, principal, RoomObserver.noop());
  }

  /** As above, telling {@code observer} (which must not throw) when a refusing record fails. */
  public static AuditTrail of(AccessRecorder recorder, String principal, RoomObserver observer) {
    return new AuditTrail(recorder, principal, java.util.Objects.requireNonNull(observer));
  }

  /** Who the room acts for. */
  public String principal() {
    return principal;
  }

  /**
   * Records one event, fail-closed.
   *
   * @throws AccessDeniedException if the recorder fails, with its failure as the cause
   */
  public void record(
      String operation, String resource, long version, Outcome outcome, String detail) {
    try {
      recorder.record(principal, operation, resource, version, outcome, detail);
    } catch (RuntimeException e) {
      observer.auditFailure(operation, e.getClass());
      throw new AccessDeniedException(
          "access refused: the audit sink failed to record " + operation + " of '" + resource + "'",
          e);
    }
  }

  /** As {@link #record(String, String, long, Outcome, String)} of an access at {@code time}. */
  private void record(
      String operation,
      String resource,
      long version,
      Outcome outcome,
      String detail,
      Instant time) {
    try {
      recorder.record(principal, operation, resource, version, outcome, detail, time);
    } catch (RuntimeException e) {
      observer.auditFailure(operation, e.getClass());
      throw new AccessDeniedException(
          "access refused: the audit sink failed to record " + operation + " of '" + resource + "'",
          e);
    }
  }

  /** Records an event that already happened and cannot be refused; a failing sink is logged. */
  public void recordAfterTheFact(
      String operation, String resource, long version, Outcome outcome, String detail) {
    try {
      recorder.record(principal, operation, resource, version, outcome, detail);
    } catch (RuntimeException e) {
      LOG.warn("could not audit {} of '{}': {}", operation, resource, e.getClass().getName());
    }
  }

  /**
   * Records a denial and returns the exception to throw; a failing sink is added to it as
   * suppressed (the call is denied either way).
   */
  public AccessDeniedException denied(String operation, String resource, String message) {
    AccessDeniedException denied = new AccessDeniedException(message);
    try {
      record(operation, resource, 0, Outcome.DENIED, "not allowed in this view");
    } catch (AccessDeniedException e) {
      denied.addSuppressed(e);
    }
    return denied;
  }

  /** Runs an access whose result has no version and needs no discarding. */
  public <T> T access(String operation, String resource, Supplier<T> action) {
    return access(operation, resource, action, r -> {});
  }

  /** Runs an access whose result has no version; {@code discard} gets it if it cannot go out. */
  public <T> T access(String operation, String resource, Supplier<T> action, Consumer<T> discard) {
    return access(operation, resource, action, r -> NO_VERSION, discard);
  }

  /**
   * Runs an access: the outcome is recorded, and a result that cannot be recorded is given to
   * {@code discard} and not returned.
   */
  public <T> T access(
      String operation,
      String resource,
      Supplier<T> action,
      ToLongFunction<T> version,
      Consumer<T> discard) {
    T result;
    try {
      result = action.get();
    } catch (NotFoundException e) {
      recordFailure(operation, resource, Outcome.NOT_FOUND, e);
      throw e;
    } catch (RuntimeException e) {
      recordFailure(operation, resource, Outcome.ERROR, e);
      throw e;
    }
    try {
      record(operation, resource, version.applyAsLong(result), Outcome.OK, "");
    } catch (AccessDeniedException e) {
      discard.accept(result);
      throw e;
    }
    return result;
  }

  /**
   * A read of {@code cache}'s entry for {@code resource}, recorded as {@code read}: the same as
   * {@link #access(String, String, Supplier, ToLongFunction, Consumer)} without the lambdas, for
   * the hottest path (a cached read).
   */
  @SuppressWarnings("ReferenceEquality") // the very clock the cache reads, not an equal one
  public SecretCache.Entry readCached(SecretCache cache, String resource) {
    // An audited hit reads the clock once: the cache ages its entry with the event's time.
    Instant now = recorder.clock() == cache.clock() ? cache.clock().instant() : null;
    SecretCache.Entry entry;
    try {
      entry = now == null ? cache.get(resource) : cache.get(resource, now.toEpochMilli());
    } catch (NotFoundException e) {
      recordFailure("read", resource, Outcome.NOT_FOUND, e);
      throw e;
    } catch (RuntimeException e) {
      recordFailure("read", resource, Outcome.ERROR, e);
      throw e;
    }
    if (now == null || entry.loadedAtMillis() > now.toEpochMilli()) {
      // unaudited, or loaded after the clock was read (a miss): the recorder reads its clock
      record("read", resource, entry.version().version(), Outcome.OK, "");
    } else {
      record("read", resource, entry.version().version(), Outcome.OK, "", now);
    }
    return entry;
  }

  /** As {@link #access(String, String, Supplier, ToLongFunction, Consumer)} after an intent. */
  public <T> T change(
      String operation,
      String resource,
      Supplier<T> action,
      ToLongFunction<T> version,
      Consumer<T> discard) {
    record(operation, resource, 0, Outcome.INTENT, "");
    return access(operation, resource, action, version, discard);
  }

  /** A change whose result has no version; {@code discard} gets it if it cannot go out. */
  public <T> T change(String operation, String resource, Supplier<T> action, Consumer<T> discard) {
    return change(operation, resource, action, r -> NO_VERSION, discard);
  }

  /** A change that returns nothing. */
  public void change(String operation, String resource, Runnable action) {
    change(
        operation,
        resource,
        () -> {
          action.run();
          return Boolean.TRUE;
        },
        r -> {});
  }

  private void recordFailure(
      String operation, String resource, Outcome outcome, RuntimeException cause) {
    try {
      record(operation, resource, 0, outcome, cause.getClass().getSimpleName());
    } catch (AccessDeniedException denied) {
      denied.addSuppressed(cause);
      throw denied;
    }
  }

  @Override
  public String toString() {
    return "AuditTrail[" + principal + "]";
  }
}
