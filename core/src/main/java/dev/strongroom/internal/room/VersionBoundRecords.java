package dev.strongroom.internal.room;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.WriteRequest;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Reads and writes the library's own records that are sealed by the {@code default} KEK under a
 * reserved encryption context bound to the store version they are written as (check-out leases, the
 * check-out-only mark): an edited, swapped or replayed record does not open, and a write is a
 * check-and-set on the version read.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
final class VersionBoundRecords {
  private VersionBoundRecords() {}

  /** A record opened: its plaintext (the caller wipes it) and the store version it was read at. */
  record Opened(byte[] plain, long storeVersion) {}

  /**
   * The CURRENT record {@code name}, opened with {@code context} of its store version; empty if
   * there is none.
   *
   * @throws TamperedException if it does not open ({@code what} names it in the message)
   */
  static Optional<Opened> read(
      RoomCore core, String name, LongFunction<EncryptionContext> context, String what) {
    Optional<StoredSecret> stored = core.store().read(ReadRequest.current(name));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    long version = stored.get().version().version();
    try (SecretValue sealed = stored.get().value()) {
      return Optional.of(
          new Opened(
              core.defaultEnvelope().decrypt(sealed.copyBytes(), context.apply(version)), version));
    } catch (BackendUnavailableException e) {
      throw e;
    } catch (StrongroomException | IllegalArgumentException e) {
      throw new TamperedException(
          what + " (v" + version + ") does not open: edited, swapped or replayed", e);
    }
  }

  /**
   * Writes {@code plain} as record {@code name}'s next version after {@code expectedVersion} (0: it
   * must not exist), sealed with {@code context} of that version.
   *
   * @return the version written
   * @throws dev.strongroom.exception.ConflictException if another writer got there first
   */
  static long write(
      RoomCore core,
      String name,
      byte[] plain,
      long expectedVersion,
      LongFunction<EncryptionContext> context,
      String what) {
    long next = expectedVersion + 1;
    byte[] sealed = core.defaultEnvelope().encrypt(plain, context.apply(next));
    long written =
        core.store()
            .write(new WriteRequest(name, SecretValue.of(sealed), Stage.CURRENT, expectedVersion))
            .version();
    if (written != next) {
      throw new IllegalStateException(
          "expected the backend to store " + what + " as v" + next + " but it stored v" + written);
    }
    return written;
  }
}
