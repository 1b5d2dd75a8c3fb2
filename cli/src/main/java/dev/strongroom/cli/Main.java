package dev.strongroom.cli;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code strongroom} command: parses the arguments, runs one command and exits with its code.
 * Exit codes: 0 success, 1 other failure (and findings of {@code scan-env} and {@code scan}, a bad
 * audit log), 2 usage error, 3 not found, 4 conflict, 5 access denied (wrong passphrase or master
 * key, or the audit log cannot be written; a rejected API key), 6 invalid ciphertext, 7 backend
 * unavailable, 8 lease ended or revoked (also an expired or revoked API key), 9 tampered (a record,
 * log or ciphertext failed its integrity check). Errors are one line on stderr; {@code --verbose}
 * adds the stack trace and debug logs, none of which ever holds a secret value.
 *
 * <p>Not thread-safe; one instance per run.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int CONFLICT = 4;
  static final int ACCESS_DENIED = 5;
  static final int INVALID_CIPHERTEXT = 6;
  static final int UNAVAILABLE = 7;
  static final int LEASE_ENDED = 8;
  static final int TAMPERED = 9;

  private Main() {}

  /** Runs the CLI and exits the JVM with the command's exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code. */
  static int run(String[] args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    CommandLine cli = new CommandLine(new Root());
    helpEverywhere(cli);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("strongroom: " + oneLine(e.getMessage()) + " (see --help)");
          err.flush();
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          PrintWriter err = c.getErr();
          err.println("strongroom: " + oneLine(message(e)));
          if (verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          return exitCode(e);
        });
    return cli.execute(args);
  }

  /** {@code --help} (and {@code --version}) on every command and group, not only the root. */
  private static void helpEverywhere(CommandLine command) {
    command.getCommandSpec().mixinStandardHelpOptions(true);
    command.getSubcommands().values().forEach(Main::helpEverywhere);
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
  }

  private static int exitCode(Exception e) {
    if (e instanceof CliError) {
      return ((CliError) e).exitCode();
    }
    if (e instanceof TamperedException) {
      return TAMPERED;
    }
    if (e instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (e instanceof ConflictException) {
      return CONFLICT;
    }
    if (e instanceof AccessDeniedException) {
      return ACCESS_DENIED;
    }
    if (e instanceof InvalidCiphertextException) {
      return INVALID_CIPHERTEXT;
    }
    if (e instanceof LeaseExpiredException) {
      return LEASE_ENDED;
    }
    if (e instanceof BackendUnavailableException) {
      return UNAVAILABLE;
    }
    if (e instanceof IllegalArgumentException) {
      return USAGE;
    }
    return FAILED;
  }

  /** The root command and its global options. Not thread-safe. */
  @Command(
      name = "strongroom",
      mixinStandardHelpOptions = true,
      version = "strongroom 0.1.0",
      description = "Secrets, keys and envelope encryption over a Strongroom store.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        " 0:success",
        " 1:failure (also findings of scan and scan-env, an audit log that does not verify, review"
            + " findings named by --fail-on)",
        " 2:usage error",
        " 3:not found",
        " 4:conflict (another writer won, or the store already exists)",
        " 5:access denied (wrong passphrase or master key, audit log not writable, key rejected)",
        " 6:invalid ciphertext",
        " 7:backend unavailable",
        " 8:lease ended or revoked (also an expired or revoked API key)",
        " 9:tampered (a record, log or ciphertext failed its integrity check)"
      },
      subcommands = {
        SecretCommands.Init.class,
        SecretCommands.Put.class,
        SecretCommands.Get.class,
        SecretCommands.ListSecrets.class,
        SecretCommands.Delete.class,
        SecretCommands.Undelete.class,
        SecretCommands.Destroy.class,
        SecretCommands.Rotate.class,
        KeyCommands.class,
        CryptoCommands.Encrypt.class,
        CryptoCommands.Decrypt.class,
        CryptoCommands.Rewrap.class,
        EnvCommands.ImportEnv.class,
        EnvCommands.ScanEnv.class,
        ScanCommand.class,
        LeaseCommands.class,
        ApiKeyCommands.class,
        AuditCommands.class,
        ReviewCommand.class,
        DoctorCommand.class,
        CompletionCommand.class
      })
  static final class Root implements Runnable {
    @Option(
        names = "--store",
        scope = ScopeType.INHERIT,
        paramLabel = "URI",
        description =
            "The store: a URI such as file:///var/lib/app/strongroom or a folder"
                + " (default: $STRONGROOM_STORE, else ./.strongroom).")
    String store;

    @Option(
        names = "--audit",
        scope = ScopeType.INHERIT,
        paramLabel = "FILE",
        description =
            "The audit log for a vault: or aws: store (default:"
                + " $XDG_STATE_HOME/strongroom/audit/<hash of the store URI>.jsonl, else under"
                + " ~/.local/state). A file store always logs to its own audit.jsonl.")
    java.nio.file.Path audit;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "JSON output.")
    boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Debug logs on stderr.")
    boolean verbose;

    @Override
    public void run() {
      throw new CliError(USAGE, "expected a command but none was given (see --help)");
    }
  }
}
