package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditVerification;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.file.internal.FileBackend;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code audit verify}: checks the hash chain of the store's audit log. */
@Command(
    name = "audit",
    description = "The store's audit log.",
    subcommands = {AuditCommands.Verify.class})
final class AuditCommands implements Runnable {
  @Override
  public void run() {
    throw new CliError(Main.USAGE, "expected verify (see audit --help)");
  }

  @Command(
      name = "verify",
      description =
          "Verify every line of the store's audit log (audit.jsonl): prints OK and the line count,"
              + " or the first bad line and why, and exits 1.")
  static final class Verify extends StoreCommand {
    @Override
    int run(RoomContext room) {
      FileBackend backend = room.fileBackend("audit verify");
      Path file = backend.auditFile();
      AuditVerification result;
      try (SecretValue key = backend.auditChainKey()) {
        result = AuditVerifier.verify(file, key);
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
          "audit.verify", "audit.jsonl", 0, AuditEvent.Outcome.OK, result.lineCount() + " lines");
      println(
          json()
              ? "{\"ok\":true,\"file\":"
                  + q(file.toString())
                  + ",\"lines\":"
                  + result.lineCount()
                  + "}"
              : "OK: " + result.lineCount() + " lines verified in " + file);
      return Main.OK;
    }
  }
}
