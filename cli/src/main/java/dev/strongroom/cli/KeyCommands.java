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
      Progress progress = Progress.onStderr("retire " + name);
      dev.strongroom.spi.KeyInfo info;
      try {
        info = room.room().keys().retire(name, version, new RetireProgress(progress));
      } finally {
        progress.finish();
      }
      println(describe(info, json()));
      return Main.OK;
    }
  }

  /** Retirement progress: {@link Progress} counting items and the values rewrapped. */
  static final class RetireProgress implements dev.strongroom.RetirementListener {
    private final Progress progress;

    RetireProgress(Progress progress) {
      this.progress = progress;
    }

    @Override
    public void progress(long done, long total, String where, long rewrapped) {
      progress.update(done, total, "items, " + rewrapped + " rewrapped (" + where + ")");
    }
  }
}
