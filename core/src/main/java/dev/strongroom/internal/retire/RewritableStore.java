package dev.strongroom.internal.retire;

import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A secret store that can replace the stored bytes of an existing version in place (same version
 * number, stages and timestamps), so that retirement can rewrap values a room sealed itself (tenant
 * secrets) without creating new versions. A store that cannot (versions immutable) does not
 * implement it, and retirement of a key still needed by such values is refused, counted and named.
 *
 * <p>Implementations must be thread-safe and rewrite under the store's own write lock.
 */
public interface RewritableStore {

  /**
   * Counts the stored values of secret {@code name} (every version not destroyed) that {@code
   * stale} accepts, and unless {@code dryRun} replaces each of them with {@code rewrap} of it.
   *
   * @return how many values were stale
   */
  int rewrapVersions(
      String name, Predicate<byte[]> stale, UnaryOperator<byte[]> rewrap, boolean dryRun);
}
