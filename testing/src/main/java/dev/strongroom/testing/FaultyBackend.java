package dev.strongroom.testing;

import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.SecretStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A backend wrapped so that tests can inject faults per operation: latency, failures on every call,
 * failures after the first N calls, and partial failures (the call reaches the backend and takes
 * effect, then the caller sees a failure, as when a response is lost). Operations are named by the
 * SPI method ({@code "read"}, {@code "write"}, {@code "moveStage"}, {@code "unwrap"}, {@code
 * "generate"}, ... of {@link SecretStore} and {@link KeyEncryptionService}), or {@link #ANY}; an
 * unknown name is rejected. Injected failures are {@link BackendUnavailableException}s unless a
 * rule gives another exception. Leases pass through unchanged.
 *
 * <p>Thread-safe: rules may change while other threads call the backend.
 */
public final class FaultyBackend implements Backend {
  /** Every operation. */
  public static final String ANY = "*";

  /** How injected latency passes: {@code Thread::sleep} by default, or a {@link TestClock}. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Set<String> OPERATIONS = operations();

  private final Backend delegate;
  private final Sleeper sleeper;
  private final Map<String, Rule> rules = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final SecretStore secrets;
  private final KeyEncryptionService keys;

  private FaultyBackend(Backend delegate, Sleeper sleeper) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.secrets = proxy(SecretStore.class, delegate.secrets());
    this.keys = proxy(KeyEncryptionService.class, delegate.keys());
  }

  /** Wraps {@code delegate}; latency is spent with {@link Thread#sleep}. */
  public static FaultyBackend wrap(Backend delegate) {
    return new FaultyBackend(
        delegate, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
  }

  /**
   * Wraps {@code delegate}; latency is spent with {@code sleeper}, such as {@code
   * testClock::advance} so that no test thread really sleeps.
   */
  public static FaultyBackend wrap(Backend delegate, Sleeper sleeper) {
    return new FaultyBackend(delegate, sleeper);
  }

  /** Every later call of {@code operation} fails before reaching the backend. */
  public FaultyBackend failing(String operation) {
    return failing(operation, () -> injected(operation));
  }

  /** Every later call of {@code operation} throws what {@code failure} supplies, unapplied. */
  public FaultyBackend failing(String operation, Supplier<? extends RuntimeException> failure) {
    return rule(operation, new Rule(Duration.ZERO, 0, -1, false, failure));
  }

  /**
   * The next {@code successfulCalls} calls of {@code operation} succeed; every one after them fails
   * before reaching the backend.
   */
  public FaultyBackend failAfter(String operation, long successfulCalls) {
    if (successfulCalls < 0) {
      throw new IllegalArgumentException(
          "expected successfulCalls >= 0 but was " + successfulCalls);
    }
    return rule(
        operation,
        new Rule(
            Duration.ZERO,
            count(operation).get(),
            successfulCalls,
            false,
            () -> injected(operation)));
  }

  /**
   * Partial failure: every later call of {@code operation} reaches the backend and takes effect,
   * then fails as if the answer was lost.
   */
  public FaultyBackend failAfterApplying(String operation) {
    return rule(operation, new Rule(Duration.ZERO, 0, -1, true, () -> injected(operation)));
  }

  /** Every later call of {@code operation} first waits {@code latency} (through the sleeper). */
  public FaultyBackend latency(String operation, Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("expected a latency >= 0 but was " + latency);
    }
    return rule(operation, new Rule(latency, 0, -1, false, null));
  }

  /** Removes every rule: calls pass through again. */
  public FaultyBackend heal() {
    rules.clear();
    return this;
  }

  /** How many calls of {@code operation} (or {@link #ANY}) were made through this wrapper. */
  public long calls(String operation) {
    if (operation.equals(ANY)) {
      return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }
    return count(operation).get();
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  @Override
  public Optional<LeaseProvider> leases() {
    return delegate.leases();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private FaultyBackend rule(String operation, Rule rule) {
    check(operation);
    rules.put(operation, rule);
    return this;
  }

  private static void check(String operation) {
    Objects.requireNonNull(operation, "operation");
    if (!operation.equals(ANY) && !OPERATIONS.contains(operation)) {
      throw new IllegalArgumentException(
          "expected an operation in " + OPERATIONS + " or \"*\" but was '" + operation + "'");
    }
  }

  private AtomicLong count(String operation) {
    check(operation);
    return calls.computeIfAbsent(operation, k -> new AtomicLong());
  }

  private static BackendUnavailableException injected(String operation) {
    return new BackendUnavailableException("injected failure of " + operation);
  }

  private <T> T proxy(Class<T> type, T target) {
    Objects.requireNonNull(target, type.getSimpleName());
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> proxy == args[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> "FaultyBackend." + type.getSimpleName();
            };
          }
          return call(method, target, args);
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private Object call(Method method, Object target, Object[] args) throws Throwable {
    String operation = method.getName();
    long before = count(operation).getAndIncrement();
    Rule rule = rules.get(operation);
    if (rule == null) {
      rule = rules.get(ANY);
    }
    if (rule != null) {
      if (!rule.latency.isZero()) {
        sleeper.sleep(rule.latency);
      }
      if (rule.failure != null && !rule.afterApplying && rule.fails(before)) {
        throw rule.failure.get();
      }
    }
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (rule != null && rule.afterApplying) {
      throw rule.failure.get();
    }
    return result;
  }

  private static Set<String> operations() {
    Set<String> names = new TreeSet<>();
    for (Class<?> type : new Class<?>[] {SecretStore.class, KeyEncryptionService.class}) {
      for (Method m : type.getMethods()) {
        if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
          names.add(m.getName());
        }
      }
    }
    return Set.copyOf(names);
  }

  /**
   * One operation's fault; a negative {@code limit} means every call, else calls past the first
   * one.
   */
  private record Rule(
      Duration latency,
      long start,
      long limit,
      boolean afterApplying,
      Supplier<? extends RuntimeException> failure) {
    boolean fails(long callIndex) {
      return limit < 0 || callIndex - start >= limit;
    }
  }
}
