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
   * Adopts {@code file}, a log with lines but no local checkpoint (written by a version without
   * checkpoints, or whose checkpoint was lost), so that it can be verified and appended to again:
   * checks every line's MAC and link, writes a checkpoint at its last line, and appends an {@code
   * audit.adopt} line saying how many lines were adopted. Lines dropped from the end of the log
   * before this call cannot be detected; {@link #verify} reports the adoption as a warning with its
   * line, so that the gap in the guarantee stays visible. A log that does not verify is left as it
   * is.
   *
   * @return the verification of the adopted log
   * @throws dev.strongroom.exception.TamperedException if a line does not verify (edited, forged,
   *     reordered, or the wrong key): such a log is not adopted
   * @throws dev.strongroom.exception.ConflictException if the log already has a checkpoint
   * @throws NotFoundException if there is no log or it has no line
   */
  public static AuditVerification adopt(Path file, SecretValue chainKey, java.time.Clock clock) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(chainKey, "chainKey");
    Objects.requireNonNull(clock, "clock");
    CheckpointFile local = new CheckpointFile(JsonLinesSink.defaultCheckpoint(file), true);
    AuditChain chain = AuditChain.create(chainKey);
    ChainCheck.Result check;
    try {
      check = ChainCheck.run(file, chain, local, List.of(), (mirror, e) -> {});
    } catch (IOException e) {
      throw new StrongroomException("could not read audit log " + file, e);
    }
    if (check.local().isPresent()) {
      throw new dev.strongroom.exception.ConflictException(
          "audit log " + file + " has a checkpoint: there is nothing to adopt (verify it)");
    }
    AuditChain.Scan scan = check.scan();
    if (scan.failure != null) {
      throw new dev.strongroom.exception.TamperedException(
          "refusing to adopt audit log "
              + file
              + ": line "
              + scan.failure.firstBadLine()
              + " does not verify ("
              + scan.failure.reason()
              + ")");
    }
    if (check.nothingThere() || scan.lines == 0) {
      throw new NotFoundException("no audit line to adopt at " + file);
    }
    long lines = scan.lines;
    local.write(chain.checkpoint(lines, scan.lastHash, clock.instant()));
    AuditSink sink =
        AuditSinks.jsonLines(
            file, chainKey, JsonLinesOptions.builder().everyEvent().clock(clock).build());
    try {
      sink.record(
          new AuditEvent(
              clock.instant(),
              "strongroom",
              AuditChain.ADOPT,
              file.getFileName().toString(),
              0,
              AuditEvent.Outcome.OK,
              "adopted lines 1.."
                  + lines
                  + ", written without a checkpoint: lines dropped from their end before the"
                  + " adoption cannot be detected"));
    } finally {
      sink.close();
    }
    return verify(file, chainKey);
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
