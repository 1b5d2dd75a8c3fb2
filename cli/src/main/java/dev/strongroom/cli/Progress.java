package dev.strongroom.cli;

import java.io.PrintStream;

/**
 * Progress of long work on stderr: a bar redrawn in place when stderr is a terminal, else plain
 * lines (logs, CI) at each tenth of the work and at its end, never a carriage return. Not
 * thread-safe.
 */
final class Progress {
  private static final int WIDTH = 30;
  private final String label;
  private final PrintStream err;
  private final boolean bar;
  private boolean drawn;
  private long lastTenth = -1;
  private long lastDone = -1;

  Progress(String label, PrintStream err, boolean bar) {
    this.label = label;
    this.err = err;
    this.bar = bar;
  }

  /** Progress on stderr, as a bar if it is a terminal. */
  static Progress onStderr(String label) {
    return new Progress(label, System.err, terminal());
  }

  /** Whether the process has a terminal (JDK 22+ answers exactly; before, a console means one). */
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

  /**
   * A listener that shows {@code units} on this progress, and nothing at all for work of fewer than
   * {@code atLeast} units (a short import or review stays quiet).
   */
  dev.strongroom.ProgressListener listener(String units, long atLeast) {
    return (done, total) -> {
      if (total >= atLeast) {
        update(done, total, units);
      }
    };
  }

  /** {@code done} of {@code total} units; {@code detail} follows the count. */
  void update(long done, long total, String detail) {
    String count = done + "/" + total + (detail.isEmpty() ? "" : " " + detail);
    if (bar) {
      int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
      err.print(
          "\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + count);
      drawn = true;
    } else {
      long tenth = total <= 0 ? 10 : 10 * done / total;
      if (done == lastDone || (tenth == lastTenth && done != total)) {
        return;
      }
      lastTenth = tenth;
      lastDone = done;
      err.println(label + ": " + count);
    }
    err.flush();
  }

  /** Prints a line of its own (a failure), keeping the bar below it. */
  void note(String line) {
    if (drawn) {
      err.println();
      drawn = false;
    }
    err.println(line);
    err.flush();
  }

  /** Ends the bar's line. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }
}
