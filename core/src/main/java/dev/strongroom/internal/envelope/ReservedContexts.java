package dev.strongroom.internal.envelope;

import dev.strongroom.envelope.EncryptionContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Encryption contexts the library seals its own data under (the API-key pepper, tenant-sealed
 * secrets): each holds at least one key starting with {@link #PREFIX}, which {@link
 * EncryptionContext#of} refuses from callers, so nothing the library sealed for itself can be
 * opened through {@code Strongroom.decrypt} or an {@code Envelope} a caller holds.
 *
 * <p>{@link EncryptionContext} hands this class its private factory when it is initialised (first
 * registration wins; a later one is refused). Thread-safe. Not for public use.
 */
public final class ReservedContexts {
  /** The prefix of reserved context keys. */
  public static final String PREFIX = "strongroom:";

  private static volatile Function<Map<String, String>, EncryptionContext> factory;

  private ReservedContexts() {}

  /**
   * Called once by {@link EncryptionContext}'s static initialiser.
   *
   * @throws IllegalStateException on any later call
   */
  public static void register(Function<Map<String, String>, EncryptionContext> f) {
    Objects.requireNonNull(f, "f");
    EncryptionContext.empty(); // initialises EncryptionContext first, which registers its factory
    synchronized (ReservedContexts.class) {
      if (factory != null) {
        throw new IllegalStateException("the reserved context factory is already registered");
      }
      factory = f;
    }
  }

  /** A reserved context with one pair; {@code key} must start with {@link #PREFIX}. */
  public static EncryptionContext of(String key, String value) {
    return of(Map.of(key, value));
  }

  /**
   * A reserved context holding a copy of {@code pairs}, at least one of whose keys starts with
   * {@link #PREFIX}; the bounds of {@link EncryptionContext#of(Map)} apply.
   */
  public static EncryptionContext of(Map<String, String> pairs) {
    Objects.requireNonNull(pairs, "pairs");
    if (pairs.keySet().stream().noneMatch(ReservedContexts::isReserved)) {
      throw new IllegalArgumentException(
          "expected at least one context key starting with '" + PREFIX + "' but was none");
    }
    EncryptionContext.empty(); // make sure the factory is registered
    return factory.apply(pairs);
  }

  /** Whether {@code key} is a reserved context key. */
  public static boolean isReserved(String key) {
    return key.startsWith(PREFIX);
  }
}
