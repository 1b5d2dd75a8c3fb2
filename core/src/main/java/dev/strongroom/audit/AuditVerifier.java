package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a JSON-lines audit log written by {@link AuditSinks#jsonLines}, following its chain across
 * rolled-over files: every line's MAC (in constant time), its sequence number and its link to the
 * line before; then every checkpoint (the local {@code <log>.checkpoint} and any mirrors given):
 * its MAC, and that the log reaches the line it records with the same hash. Detects an edited,
 * forged, inserted, deleted, moved or cut-short line, lines dropped from the end, an emptied or
 * deleted log, and a wrong key. A torn final line and repairs recorded in the log are warnings.
 * What stays undetectable in each mode is listed in docs/AUDIT.md.
 *
 * <p>Thread-safe (stateless).
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * Verifies {@code file} and its local checkpoint under {@code chainKey}.
   *
   * @throws NotFoundException if neither the log nor a checkpoint exists
   * @throws StrongroomException if it cannot be read
   */
  public static AuditVerification verify(Path file, SecretValue chainKey) {
    return verify(file, chainKey, List.of());
  }

  /**
   * Verifies {@code file} against its local checkpoint and the checkpoints in {@code mirrors} (a
   * mirror that cannot be read is a failure here: verify wants to know). A mirror that holds no
   * checkpoint yet adds nothing.
   *
   * @throws NotFoundException if neither the log nor any checkpoint exists
   * @throws StrongroomException if the log cannot be read
   */
  public static AuditVerification verify(
      Path file, SecretValue chainKey, List<AuditCheckpointStore> mirrors) {
    return verify(file, JsonLinesSink.defaultCheckpoint(file), chainKey, mirrors);
  }

  /**
   * As {@link #verify(Path, SecretValue, List)}, for a log whose local checkpoint was put at {@code
   * checkpoint} ({@link JsonLinesOptions.Builder#checkpointFile}).
   */
  public static AuditVerification verify(
      Path file, Path checkpoint, SecretValue chainKey, List<AuditCheckpointStore> mirrors) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(chainKey, "chainKey");
    List<RuntimeException> unreadable = new ArrayList<>();
    ChainCheck.Result result;
    try {
      result =
          ChainCheck.run(
              file,
              AuditChain.create(chainKey),
              new CheckpointFile(checkpoint, false),
              List.copyOf(mirrors),
              (mirror, e) ->
                  unreadable.add(
                      new StrongroomException(
                          "could not read the audit checkpoint in " + mirror.describe(), e)));
    } catch (IOException e) {
      throw new StrongroomException("could not read audit log " + file, e);
    }
    if (!unreadable.isEmpty()) {
      StrongroomException e = (StrongroomException) unreadable.get(0);
      unreadable.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
    if (result.nothingThere()) {
      throw new NotFoundException("no audit log at " + file);
    }
    return result.verification();
  }
}
