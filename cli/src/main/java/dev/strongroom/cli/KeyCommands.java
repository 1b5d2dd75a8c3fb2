package dev.strongroom.cli;

import dev.strongroom.spi.KeyInfo;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code key create|rotate|list|retire}: the store's key-encryption keys. */
@Command(
    name = "key",
    description = "Manage key-encryption keys (KEKs).",
    subcommands = {
      KeyCommands.Create.class,
      KeyCommands.Rotate.class,
      KeyCommands.ListKeys.class,
      KeyCommands.Retire.class
    })
final class KeyCommands implements Runnable {
  @Override
  public void run() {
    throw new CliError(Main.USAGE, "expected create, rotate, list or retire (see key --help)");
  }

  static String describe(KeyInfo info, boolean json) {
    return json
        ? "{\"name\":"
            + StoreCommand.q(info.name())
            + ",\"versions\":"
            + info.versions()
            + ",\"primary\":"
            + info.primaryVersion()
            + ",\"minDecryptionVersion\":"
            + info.minDecryptionVersion()
            + "}"
        : info.name()
            + " primary="
            + info.primaryVersion()
            + " versions="
            + info.versions()
            + " minDecryption="
            + info.minDecryptionVersion();
  }

  @Command(name = "create", description = "Create a KEK with version 1.")
  static final class Create extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(RoomContext room) {
      println(describe(room.room().keys().create(name), json()));
      return Main.OK;
    }
  }

  @Command(name = "rotate", description = "Add a new primary version; old versions still decrypt.")
  static final class Rotate extends StoreCommand {
    @Parameters(paramLabel = "NAME", defaultValue = "default", arity = "0..1")
    String name;

    @Override
    int run(RoomContext room) {
      println(describe(room.room().keys().rotate(name), json()));
      return Main.OK;
    }
  }

  @Command(name = "list", description = "List the KEKs and their versions.")
  static final class ListKeys extends StoreCommand {
    @Override
    int run(RoomContext room) {
      List<String> lines =
          room.keyNames().stream()
              .map(n -> describe(room.room().keys().describe(n), json()))
              .toList();
      if (json()) {
        println(lines.stream().collect(Collectors.joining(",", "[", "]")));
      } else {
        lines.forEach(this::println);
      }
      return Main.OK;
    }
  }

  @Command(
      name = "retire",
      description =
          "Retire every version below --below (default: the primary), as a job that never strands"
              + " data: first rewraps everything the store itself sealed under the older versions"
              + " (progress on stderr; resumes where a killed run stopped), then refuses if"
              + " anything still needs one. Ciphertexts you keep yourself: `rewrap` them first.")
  static final class Retire extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--below",
        paramLabel = "VERSION",
        description = "The new minimum decryption version.")
    Integer below;

    @Override
    int run(RoomContext room) {
      int version = below == null ? room.room().keys().describe(name).primaryVersion() : below;
      Progress progress = new Progress(name, System.err, terminal());
      dev.strongroom.spi.KeyInfo info;
      try {
        info = room.room().keys().retire(name, version, progress);
      } finally {
        progress.finish();
      }
      println(describe(info, json()));
      return Main.OK;
    }

    /** Whether stderr is a terminal (JDK 22+ answers exactly; before, a console means one). */
    static boolean terminal() {
      java.io.Console console = System.console();
      if (console == null) {
        return false;
      }
      try {
        return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
      } catch (ReflectiveOperationException e) {
        return true;
      }
    }
  }

  /**
   * Retirement progress on stderr: a bar redrawn in place on a terminal, one plain line per item
   * otherwise (logs, CI). Not thread-safe.
   */
  static final class Progress implements dev.strongroom.RetirementListener {
    private static final int WIDTH = 30;
    private final String key;
    private final java.io.PrintStream err;
    private final boolean bar;
    private boolean drawn;

    Progress(String key, java.io.PrintStream err, boolean bar) {
      this.key = key;
      this.err = err;
      this.bar = bar;
    }

    @Override
    public void progress(long done, long total, String where, long rewrapped) {
      if (bar) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        err.print(
            "\rretire "
                + key
                + " ["
                + "#".repeat(filled)
                + "-".repeat(WIDTH - filled)
                + "] "
                + done
                + "/"
                + total
                + " items, "
                + rewrapped
                + " rewrapped");
        drawn = true;
      } else {
        err.println(
            "retire "
                + key
                + ": "
                + done
                + "/"
                + total
                + " items, "
                + rewrapped
                + " rewrapped ("
                + where
                + ")");
      }
      err.flush();
    }

    void finish() {
      if (drawn) {
        err.println();
        err.flush();
      }
    }
  }
}
