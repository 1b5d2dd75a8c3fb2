package dev.strongroom.internal.room;

import dev.strongroom.apikey.Verification;
import dev.strongroom.lease.LeaseEvent;
import dev.strongroom.observe.RoomObserver;
import dev.strongroom.observe.RotationOutcome;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's side of {@link RoomObserver}: a wrapper that swallows whatever the observer throws (as
 * the observer's contract promises), and timing decorators that tell it about every backend call.
 *
 * <p>Thread-safe. Not for public use.
 */
public final class Observed {
  private static final Logger LOG = LoggerFactory.getLogger(Observed.class);

  private Observed() {}

  /** {@code observer} behind a wrapper that catches and logs (at debug) what it throws. */
  public static RoomObserver safe(RoomObserver observer) {
    Objects.requireNonNull(observer, "observer");
    if (observer == RoomObserver.noop() || observer instanceof Safe) {
      return observer;
    }
    return new Safe(observer);
  }

  /**
   * {@code target} behind a proxy of {@code type} that tells {@code observer} the name, latency and
   * failure class of every call; {@code target} itself if the observer is the no-op one.
   */
  public static <T> T timed(Class<T> type, T target, RoomObserver observer) {
    if (observer == RoomObserver.noop()) {
      return target;
    }
    InvocationHandler handler = new Timing(target, observer);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static final class Timing implements InvocationHandler {
    private final Object target;
    private final RoomObserver observer;

    Timing(Object target, RoomObserver observer) {
      this.target = target;
      this.observer = observer;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> method.invoke(target, args);
        };
      }
      long start = System.nanoTime();
      Class<? extends Throwable> error = null;
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        error = e.getCause().getClass();
        throw e.getCause();
      } finally {
        observer.backendCall(method.getName(), Duration.ofNanos(System.nanoTime() - start), error);
      }
    }
  }

  private static final class Safe implements RoomObserver {
    private final RoomObserver delegate;

    Safe(RoomObserver delegate) {
      this.delegate = delegate;
    }

    private static void failed(String callback, RuntimeException e) {
      LOG.debug("room observer threw in {}: {}", callback, e.getClass().getName());
    }

    @Override
    public void cacheHit(String name) {
      try {
        delegate.cacheHit(name);
      } catch (RuntimeException e) {
        failed("cacheHit", e);
      }
    }

    @Override
    public void cacheMiss(String name) {
      try {
        delegate.cacheMiss(name);
      } catch (RuntimeException e) {
        failed("cacheMiss", e);
      }
    }

    @Override
    public void backendCall(String operation, Duration latency, Class<? extends Throwable> error) {
      try {
        delegate.backendCall(operation, latency, error);
      } catch (RuntimeException e) {
        failed("backendCall", e);
      }
    }

    @Override
    public void staleRead(String name, Duration staleness) {
      try {
        delegate.staleRead(name, staleness);
      } catch (RuntimeException e) {
        failed("staleRead", e);
      }
    }

    @Override
    public void leaseEvent(String path, LeaseEvent.Type type) {
      try {
        delegate.leaseEvent(path, type);
      } catch (RuntimeException e) {
        failed("leaseEvent", e);
      }
    }

    @Override
    public void rotation(String name, RotationOutcome outcome, Duration duration) {
      try {
        delegate.rotation(name, outcome, duration);
      } catch (RuntimeException e) {
        failed("rotation", e);
      }
    }

    @Override
    public void auditFailure(String operation, Class<? extends Throwable> error) {
      try {
        delegate.auditFailure(operation, error);
      } catch (RuntimeException e) {
        failed("auditFailure", e);
      }
    }

    @Override
    public void apiKeyVerification(Verification.Outcome outcome) {
      try {
        delegate.apiKeyVerification(outcome);
      } catch (RuntimeException e) {
        failed("apiKeyVerification", e);
      }
    }

    @Override
    public String toString() {
      return "Observed.safe(" + delegate.getClass().getName() + ")";
    }
  }
}
