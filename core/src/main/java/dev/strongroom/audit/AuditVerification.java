package dev.strongroom.audit;

import java.util.Objects;

/**
 * The result of {@link AuditVerifier#verify}: either the whole file checked out, or the first line
 * that did not, and why. Never contains a line's content.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param ok whether every line checked out
 * @param lineCount how many lines checked out (all of them when {@code ok})
 * @param firstBadLine the 1-based number of the first bad line, or 0 when {@code ok}
 * @param reason why that line is bad, or empty when {@code ok}
 */
public record AuditVerification(boolean ok, long lineCount, long firstBadLine, String reason) {

  /** Checks the fields. */
  public AuditVerification {
    Objects.requireNonNull(reason, "reason");
    if (ok != (firstBadLine == 0)) {
      throw new IllegalArgumentException(
          "expected firstBadLine 0 exactly when ok but was " + firstBadLine + " with ok=" + ok);
    }
  }

  static AuditVerification passed(long lines) {
    return new AuditVerification(true, lines, 0, "");
  }

  static AuditVerification failed(long goodLines, String reason) {
    return new AuditVerification(false, goodLines, goodLines + 1, reason);
  }
}
