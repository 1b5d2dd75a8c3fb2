package dev.strongroom.audit;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link AuditVerifier#verify}: either the whole chain checked out against its
 * checkpoints, or the first line that did not (or the first line missing), and why; plus warnings
 * that are not damage (a repaired torn tail, lines written after the last checkpoint). Never
 * contains a line's content.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param ok whether every line checked out and no checkpoint records more than the log holds
 * @param lineCount how many lines checked out (all of them when {@code ok})
 * @param firstBadLine the 1-based number of the first bad or missing line, or 0 when {@code ok}
 * @param reason why that line is bad or missing, or empty when {@code ok}
 * @param warnings what is worth knowing but is not damage, in line order
 */
public record AuditVerification(
    boolean ok, long lineCount, long firstBadLine, String reason, List<Warning> warnings) {

  /**
   * Something verify noticed that is not damage.
   *
   * @param line the line it concerns (for a torn tail: the line the partial bytes would have been)
   * @param message what and where (file, byte offset), never a line's content
   */
  public record Warning(long line, String message) {
    /** Checks the fields. */
    public Warning {
      Objects.requireNonNull(message, "message");
    }
  }

  /** Checks the fields. */
  public AuditVerification {
    Objects.requireNonNull(reason, "reason");
    warnings = List.copyOf(warnings);
    if (ok != (firstBadLine == 0)) {
      throw new IllegalArgumentException(
          "expected firstBadLine 0 exactly when ok but was " + firstBadLine + " with ok=" + ok);
    }
  }

  /** A result without warnings. */
  public AuditVerification(boolean ok, long lineCount, long firstBadLine, String reason) {
    this(ok, lineCount, firstBadLine, reason, List.of());
  }

  static AuditVerification passed(long lines) {
    return new AuditVerification(true, lines, 0, "");
  }

  static AuditVerification failed(long goodLines, String reason) {
    return new AuditVerification(false, goodLines, goodLines + 1, reason);
  }

  AuditVerification withWarnings(List<Warning> more) {
    return new AuditVerification(ok, lineCount, firstBadLine, reason, more);
  }
}
