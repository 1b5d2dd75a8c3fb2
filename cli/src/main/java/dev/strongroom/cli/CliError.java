package dev.strongroom.cli;

/** A failure the CLI reports as one line with a chosen exit code. Immutable. */
final class CliError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
