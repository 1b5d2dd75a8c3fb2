package dev.strongroom.cli;

import dev.strongroom.file.FileStores;
import dev.strongroom.spi.Backend;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code strongroom doctor}: checks every record of a file store (its MAC, its generation against
 * the store manifest, that every record the manifest holds exists) without decrypting a value, and
 * lists each one that fails. Exit 0 if all pass, 1 if any fails. Not thread-safe.
 */
@Command(
    name = "doctor",
    description =
        "Check every record of a file store (integrity and rollback, no value decrypted) and list"
            + " each one that fails; exit 1 if any does. A failing record can be removed with"
            + " `strongroom destroy NAME --all`.")
final class DoctorCommand extends StoreCommand {
  @Override
  int run(RoomContext room) {
    Backend backend = room.fileStore("doctor");
    List<String> problems = FileStores.verifyRecords(backend);
    if (json()) {
      StringBuilder out = new StringBuilder("{\"authenticated\":");
      out.append(FileStores.authenticated(backend)).append(",\"problems\":[");
      for (int i = 0; i < problems.size(); i++) {
        out.append(i == 0 ? "" : ",").append(q(problems.get(i)));
      }
      println(out.append("]}").toString());
    } else {
      if (!FileStores.authenticated(backend)) {
        println(
            "warning: this store is format 1: record metadata is not authenticated, so edits and"
                + " rollbacks are not detected");
      }
      for (String p : problems) {
        println("FAILED " + p);
      }
      println(
          problems.isEmpty()
              ? "store OK: every record passed"
              : problems.size() + " record(s) failed");
    }
    return problems.isEmpty() ? Main.OK : Main.FAILED;
  }
}
