package dev.strongroom.internal.room;

/**
 * The hook a room calls for every access, before it hands anything out; the public builder adapts
 * the configured {@link dev.strongroom.audit.AuditSink}s to it ({@link AuditRecorder}).
 * Fail-closed: if {@link #record} throws, the room refuses the access with {@link
 * dev.strongroom.exception.AccessDeniedException} (a value it read is wiped, not returned). Never
 * given a secret value.
 *
 * <p>Implementations must be thread-safe: rooms call them from caller threads and from their
 * refresh and lease threads. Not for public use.
 */
@FunctionalInterface
public interface AccessRecorder {

  /** Records nothing (both forms: a read of an unaudited room allocates nothing here). */
  AccessRecorder NOOP =
      new AccessRecorder() {
        @Override
        public void record(
            String principal,
            String operation,
            String name,
            long version,
            String outcome,
            String detail) {}

        @Override
        public void record(
            String principal,
            String operation,
            String name,
            long version,
            dev.strongroom.audit.AuditEvent.Outcome outcome,
            String detail) {}

        @Override
        public String toString() {
          return "AccessRecorder.NOOP";
        }
      };

  /** Outcome of an access that succeeded. */
  String OK = "ok";

  /** Outcome of an access a scope refused. */
  String DENIED = "denied";

  /** Outcome of an access to something that does not exist. */
  String NOT_FOUND = "not_found";

  /** Outcome of an access that failed otherwise. */
  String ERROR = "error";

  /** Outcome recorded before a change is attempted; a second record tells how it ended. */
  String INTENT = "intent";

  /**
   * Records one access.
   *
   * @param principal who accessed (the room's configured principal)
   * @param operation what was done, such as {@code read}, {@code write}, {@code rotate}
   * @param name the full secret name, {@code kek/NAME} for key operations, or a lease path
   * @param version the secret or key version involved, or 0 if none
   * @param outcome {@link #OK}, {@link #DENIED}, {@link #NOT_FOUND}, {@link #ERROR} or {@link
   *     #INTENT}
   * @param detail a short note (an exception's class name, a lease id), never a value; may be empty
   */
  void record(
      String principal, String operation, String name, long version, String outcome, String detail);

  /** As {@link #record(String, String, String, long, String, String)} with a typed outcome. */
  default void record(
      String principal,
      String operation,
      String name,
      long version,
      dev.strongroom.audit.AuditEvent.Outcome outcome,
      String detail) {
    record(principal, operation, name, version, Outcomes.NAMES[outcome.ordinal()], detail);
  }

  /**
   * The clock this recorder stamps events with, or null if it stamps none (the no-op recorder): a
   * read that already reads the same clock passes its reading to {@link #record(String, String,
   * String, long, dev.strongroom.audit.AuditEvent.Outcome, String, java.time.Instant)}.
   */
  default java.time.@org.jspecify.annotations.Nullable Clock clock() {
    return null;
  }

  /**
   * As {@link #record(String, String, String, long, dev.strongroom.audit.AuditEvent.Outcome,
   * String)} of an access that happened at {@code time}, read from {@link #clock()}; the default
   * ignores the time.
   */
  default void record(
      String principal,
      String operation,
      String name,
      long version,
      dev.strongroom.audit.AuditEvent.Outcome outcome,
      String detail,
      java.time.Instant time) {
    record(principal, operation, name, version, outcome, detail);
  }

  /** The lower-case outcome names, by ordinal: made once, not per record. */
  final class Outcomes {
    private static final String[] NAMES = names();

    private Outcomes() {}

    private static String[] names() {
      dev.strongroom.audit.AuditEvent.Outcome[] all =
          dev.strongroom.audit.AuditEvent.Outcome.values();
      String[] names = new String[all.length];
      for (int i = 0; i < all.length; i++) {
        names[i] = all[i].name().toLowerCase(java.util.Locale.ROOT);
      }
      return names;
    }
  }
}
