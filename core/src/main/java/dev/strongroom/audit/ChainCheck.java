package dev.strongroom.audit;

import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Verifies a log's chain (across its rolled-over files) against its checkpoints: the local one and
 * any mirrors. Shared by the sink (before it appends) and the verifier. Stateless.
 */
final class ChainCheck {
  private ChainCheck() {}

  /** What a check found. */
  record Result(
      AuditFiles.Chain files,
      AuditChain.Scan scan,
      AuditVerification verification,
      Optional<AuditCheckpoint> local,
      boolean nothingThere) {}

  static Result run(
      Path log,
      AuditChain chain,
      CheckpointFile local,
      List<AuditCheckpointStore> mirrors,
      BiConsumer<AuditCheckpointStore, RuntimeException> mirrorUnreadable)
      throws IOException {
    AuditFiles.Chain files = AuditFiles.chain(log);
    Map<AuditCheckpointStore, AuditCheckpoint> checkpoints = new LinkedHashMap<>();
    Optional<AuditCheckpoint> localCheckpoint;
    try {
      localCheckpoint = local.read();
    } catch (StrongroomException e) {
      AuditVerification failed =
          AuditVerification.failed(0, "the local checkpoint is unreadable: " + e.getMessage());
      return new Result(files, new AuditChain.Scan(), failed, Optional.empty(), false);
    }
    localCheckpoint.ifPresent(c -> checkpoints.put(local, c));
    for (AuditCheckpointStore mirror : mirrors) {
      try {
        mirror.read().ifPresent(c -> checkpoints.put(mirror, c));
      } catch (RuntimeException e) {
        mirrorUnreadable.accept(mirror, e);
      }
    }
    boolean nothingThere = files.isEmpty() && checkpoints.isEmpty();
    Set<Long> wanted = new HashSet<>();
    for (Map.Entry<AuditCheckpointStore, AuditCheckpoint> e : checkpoints.entrySet()) {
      if (!chain.verifies(e.getValue())) {
        AuditVerification failed =
            AuditVerification.failed(
                0,
                "the checkpoint in "
                    + e.getKey().describe()
                    + " does not verify (edited, forged, or wrong key)");
        return new Result(files, new AuditChain.Scan(), failed, localCheckpoint, false);
      }
      wanted.add(e.getValue().seq());
    }
    AuditChain.Scan scan = chain.scan(files.files(), files.ends(), wanted);
    List<AuditVerification.Warning> warnings = new ArrayList<>(scan.warnings);
    AuditVerification result = scan.failure;
    if (result == null) {
      result = compare(scan, checkpoints, files);
    }
    if (result == null && localCheckpoint.isEmpty() && scan.lines > 0) {
      result =
          AuditVerification.failed(
              scan.lines,
              "there is no checkpoint ("
                  + local.describe()
                  + ") for a log of "
                  + scan.lines
                  + " lines: it was deleted (lines after "
                  + scan.lines
                  + " may be missing), or the log was written without one");
    }
    if (result == null) {
      result = AuditVerification.passed(scan.lines);
      if (scan.torn != null) {
        warnings.add(
            new AuditVerification.Warning(
                scan.lines + 1,
                "partial line of "
                    + scan.torn.bytes()
                    + " bytes at offset "
                    + scan.torn.offset()
                    + " of "
                    + scan.torn.file()
                    + ": a torn append; the next writer removes it and records the repair"));
      }
      long checkpointed = localCheckpoint.map(AuditCheckpoint::seq).orElse(0L);
      if (localCheckpoint.isPresent() && checkpointed < scan.lines) {
        warnings.add(
            new AuditVerification.Warning(
                checkpointed + 1,
                "lines "
                    + (checkpointed + 1)
                    + ".."
                    + scan.lines
                    + " were written after the local checkpoint (a crash between an append and"
                    + " its checkpoint, or an older checkpoint put back)"));
      }
    }
    return new Result(files, scan, result.withWarnings(warnings), localCheckpoint, nothingThere);
  }

  private static AuditVerification compare(
      AuditChain.Scan scan,
      Map<AuditCheckpointStore, AuditCheckpoint> checkpoints,
      AuditFiles.Chain files) {
    for (Map.Entry<AuditCheckpointStore, AuditCheckpoint> e : checkpoints.entrySet()) {
      long seq = e.getValue().seq();
      String where = "the checkpoint in " + e.getKey().describe();
      if (seq > scan.lines) {
        String missing =
            seq == scan.lines + 1
                ? "line " + seq + " is missing"
                : "lines " + (scan.lines + 1) + ".." + seq + " are missing";
        String why =
            files.isEmpty()
                ? "the log is gone: " + missing + " (" + where + " records line " + seq + ")"
                : missing
                    + ": the log ends at line "
                    + scan.lines
                    + (scan.torn != null ? " (then a partial line)" : "")
                    + " but "
                    + where
                    + " records line "
                    + seq;
        return AuditVerification.failed(scan.lines, why);
      }
      if (seq > 0 && !e.getValue().head().equals(scan.hashes.get(seq))) {
        return AuditVerification.failed(
            seq - 1,
            "line " + seq + " does not match " + where + " (the log was replaced or rewritten)");
      }
    }
    return null;
  }
}
