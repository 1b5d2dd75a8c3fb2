package dev.strongroom.spi;

import dev.strongroom.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a backend keeps named, versioned secrets. Versions are numbered from 1 and never reused;
 * stages ({@link Stage}) move between versions; a whole secret can be soft-deleted (hidden, and
 * restorable with {@link #undelete}) or its versions destroyed for good.
 *
 * <p>Implementations must be thread-safe and must never put a secret value into an exception
 * message or a log. Failures are {@link dev.strongroom.exception.StrongroomException}s: {@link
 * dev.strongroom.exception.NotFoundException}, {@link dev.strongroom.exception.ConflictException}
 * for a lost check-and-set, {@link dev.strongroom.exception.BackendUnavailableException}.
 */
public interface SecretStore extends AutoCloseable {

  /** Reads one version; empty if the secret, version or stage does not exist or is deleted. */
  Optional<StoredSecret> read(ReadRequest request);

  /**
   * Reads several versions at once: one result per request, in the same order. Backends with a
   * batch API (Secrets Manager's {@code BatchGetSecretValue}) override it to save round trips; the
   * default reads them one by one.
   */
  default List<Optional<StoredSecret>> readAll(List<ReadRequest> requests) {
    List<Optional<StoredSecret>> results = new ArrayList<>(requests.size());
    for (ReadRequest request : requests) {
      results.add(read(request));
    }
    return List.copyOf(results);
  }

  /** Writes a new version; see {@link WriteRequest} for check-and-set and stages. */
  SecretVersion write(WriteRequest request);

  /** Names of live (not soft-deleted) secrets starting with {@code prefix}, sorted. */
  List<String> list(String prefix);

  /** The secret's versions and stages. */
  SecretMetadata metadata(String name);

  /**
   * Moves the request's stage to its version. Moving {@link Stage#CURRENT} also moves {@link
   * Stage#PREVIOUS} to the version that was current and clears {@link Stage#PENDING} if it was on
   * that version.
   *
   * @throws dev.strongroom.exception.ConflictException if {@link MoveStageRequest#expectedCurrent}
   *     is not 0 and another version is current
   */
  SecretMetadata moveStage(MoveStageRequest request);

  /** Soft-deletes the whole secret: reads and lists no longer see it until {@link #undelete}. */
  void delete(String name);

  /** Restores a soft-deleted secret. */
  void undelete(String name);

  /** Destroys for good what the request names: some versions' values, or the whole secret. */
  void destroy(DestroyRequest request);

  /** Releases connections and threads; the default does nothing. */
  @Override
  default void close() {}
}
