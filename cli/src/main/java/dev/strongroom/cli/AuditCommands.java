package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditCheckpointStore;
import dev.strongroom.audit.AuditCheckpointStores;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditVerification;
import dev.strongroom.audit.AuditVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit verify}: checks the hash chain of the store's audit log against its checkpoints. */
@Command(
    name = "audit",
    description = "The store's audit log.",
    subcommands = {AuditCommands.Verify.class, AuditCommands.Adopt.class})
final class AuditCommands implements Runnable {
  @Override
  public void run() {
    throw new CliError(Main.USAGE, "expected verify (see audit --help)");
  }

  @Command(
      name = "verify",
      description =
          "Verify every line of the store's audit log (audit.jsonl and its rolled-over files)"
              + " against its checkpoint (audit.jsonl.checkpoint) and any mirrors: prints OK, the"
              + " line count and any warnings (a repaired torn tail, with its position), or the"
              + " first bad or missing line and why, and exits 1.")
  static final class Verify extends StoreCommand {
    @Option(
        names = "--mirror",
        paramLabel = "FILE",
        description = "A mirror of the checkpoint kept elsewhere (repeatable).")
    List<Path> mirrors = new ArrayList<>();

    @Option(
        names = "--backend-mirror",
        description =
            "Also compare with the checkpoint mirrored in the store's backend under "
                + AuditCheckpointStores.BACKEND_NAME
                + ".")
    boolean backendMirror;

    @Override
    int run(RoomContext room) {
      Path file = room.auditFile();
      List<AuditCheckpointStore> stores = new ArrayList<>();
      for (Path mirror : mirrors) {
        stores.add(AuditCheckpointStores.file(mirror));
      }
      room.cliMirror().ifPresent(stores::add);
      if (backendMirror) {
        stores.add(AuditCheckpointStores.backend(room.backend().secrets()));
      }
      AuditVerification result;
      try (SecretValue key = room.auditChainKey()) {
        result = AuditVerifier.verify(file, key, stores);
      }
      if (!result.ok()) {
        if (json()) {
          println(
              "{\"ok\":false,\"file\":"
                  + q(file.toString())
                  + ",\"firstBadLine\":"
                  + result.firstBadLine()
                  + ",\"reason\":"
                  + q(result.reason())
                  + ",\"warnings\":"
                  + warningsJson(result)
                  + "}");
        }
        throw new CliError(
            Main.FAILED,
            "audit log "
                + file
                + " does not verify: line "
                + result.firstBadLine()
                + ": "
                + result.reason());
      }
      room.room(); // the verification itself is recorded, after the lines it verified
      room.audit(
          "audit.verify",
          "audit.jsonl",
          0,
          AuditEvent.Outcome.OK,
          result.lineCount() + " lines, " + result.warnings().size() + " warnings");
      if (json()) {
        println(
            "{\"ok\":true,\"file\":"
                + q(file.toString())
                + ",\"lines\":"
                + result.lineCount()
                + ",\"warnings\":"
                + warningsJson(result)
                + "}");
      } else {
        println("OK: " + result.lineCount() + " lines verified in " + file);
        for (AuditVerification.Warning w : result.warnings()) {
          println("warning: line " + w.line() + ": " + w.message());
        }
      }
      return Main.OK;
    }

    private static String warningsJson(AuditVerification result) {
      List<String> out = new ArrayList<>();
      for (AuditVerification.Warning w : result.warnings()) {
        out.add("{\"line\":" + w.line() + ",\"message\":" + q(w.message()) + "}");
      }
      return "[" + String.join(",", out) + "]";
    }
  }

  @Command(
      name = "adopt",
      description =
          "Adopt an audit log that has no checkpoint (written by an older version, or its"
              + " checkpoint lost), which every command otherwise refuses: verify every line,"
              + " checkpoint the last one and record the adoption, which 'audit verify' then reports"
              + " as a warning. Lines dropped from the end before the adoption cannot be detected."
              + " A log that does not verify is not adopted (exit 9).")
  static final class Adopt extends StoreCommand {
    @Override
    int run(RoomContext room) {
      Path file = room.auditFile();
      AuditVerification result;
      try (SecretValue key = room.auditChainKey()) {
        result = AuditVerifier.adopt(file, key, room.clock());
      }
      println(
          json()
              ? "{\"adopted\":true,\"file\":"
                  + q(file.toString())
                  + ",\"lines\":"
                  + result.lineCount()
                  + "}"
              : "adopted: "
                  + result.lineCount()
                  + " lines verified and checkpointed in "
                  + file
                  + " (lines cut from its end before now cannot be detected)");
      return Main.OK;
    }
  }
}
