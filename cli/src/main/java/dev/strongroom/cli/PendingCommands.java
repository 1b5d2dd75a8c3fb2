package dev.strongroom.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * Commands whose core parts are still being built (env migration, leases, audit): each says so and
 * exits with 2.
 */
final class PendingCommands {
  private PendingCommands() {}

  private abstract static class Pending implements Callable<Integer> {
    @Unmatched List<String> ignored;

    abstract String what();

    @Override
    public Integer call() {
      throw new CliError(Main.USAGE, what() + " is not available yet");
    }
  }

  @Command(
      name = "import-env",
      description = "Import an env file into the store (not available yet).")
  static final class ImportEnv extends Pending {
    @Parameters(paramLabel = "FILE", arity = "0..1")
    String file;

    @Override
    String what() {
      return "import-env";
    }
  }

  @Command(
      name = "scan-env",
      description = "Flag secret-looking environment variables (not available yet).")
  static final class ScanEnv extends Pending {
    @Override
    String what() {
      return "scan-env";
    }
  }

  @Command(name = "lease", description = "acquire|renew|revoke|list leases (not available yet).")
  static final class Lease extends Pending {
    @Override
    String what() {
      return "lease";
    }
  }

  @Command(name = "audit", description = "verify the audit file's hash chain (not available yet).")
  static final class Audit extends Pending {
    @Override
    String what() {
      return "audit";
    }
  }
}
