package dev.strongroom.audit;

import java.util.Optional;

/**
 * Somewhere an audit chain's {@link AuditCheckpoint} is kept: a file beside the log (always), and
 * optionally mirrors the user names (a second file, the room's backend) so that deleting the log
 * and its local checkpoint together is still detected. Get one from {@link AuditCheckpointStores}.
 * A store only keeps the checkpoint; the sink and the verifier check its MAC.
 *
 * <p>Implementations must be thread-safe. Failures are {@link
 * dev.strongroom.exception.StrongroomException}s.
 */
public interface AuditCheckpointStore {

  /** The last checkpoint written, or empty if none was ever written here. */
  Optional<AuditCheckpoint> read();

  /** Replaces the checkpoint, durably enough for this store before returning. */
  void write(AuditCheckpoint checkpoint);

  /** A short description for messages (a path, a backend and name); never a secret. */
  String describe();
}
