package dev.strongroom.internal.retire;

import java.util.List;
import java.util.function.Predicate;

/**
 * A backend whose secret store seals every value itself under one of the room's KEKs (the file
 * store seals each version under its {@code default} KEK): retirement rewraps those values in
 * place, version numbers and stages unchanged.
 *
 * <p>Implementations must be thread-safe and rewrap under the store's own write lock.
 */
public interface SealedStore {

  /** Whether this store seals its values under KEK {@code kek} (the name as stored). */
  boolean sealsWith(String kek);

  /** Forgets cached data keys of {@code kek}, so that new values use its primary version. */
  void keyChanged(String kek);

  /** Where the sealed values live, for messages (a directory, not a secret). */
  String where();

  /** The names of every stored secret, deleted ones included, sorted. */
  List<String> sealedNames();

  /**
   * Counts the sealed values of secret {@code name} (every version not destroyed) that {@code
   * stale} accepts, and unless {@code dryRun} rewraps each of them to the KEK's primary version in
   * place.
   *
   * @return how many values were stale
   */
  int rewrapSealed(String name, Predicate<byte[]> stale, boolean dryRun);
}
