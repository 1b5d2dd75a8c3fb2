package dev.strongroom.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited access: when, who, which operation on which resource and version, and how it ended.
 * There is deliberately no field for a secret value; {@code detail} is free text for the reason of
 * a denial or the class of an error and must never hold a value either.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param time when the access happened
 * @param principal who asked (a service name, a user, an API key id); not secret
 * @param operation what was asked, such as {@code read}, {@code write}, {@code decrypt}
 * @param resource the name of the secret, key or lease
 * @param version the version concerned, or 0 if none
 * @param outcome how it ended
 * @param detail a short note that never contains a secret value; may be empty
 */
public record AuditEvent(
    Instant time,
    String principal,
    String operation,
    String resource,
    long version,
    AuditEvent.Outcome outcome,
    String detail) {

  /** How an audited access ended. */
  public enum Outcome {
    /** Allowed and done. */
    OK,
    /** Refused by scope, policy or credentials. */
    DENIED,
    /** The resource or version does not exist. */
    NOT_FOUND,
    /** Failed for another reason (backend down, integrity failure). */
    ERROR,
    /**
     * About to be attempted: a room records this before a change reaches the backend (a write, a
     * rotation, a deletion, a lease), so that no change happens unless the sink could record it; a
     * second event with the same operation and resource tells how it ended.
     */
    INTENT
  }

  /** Checks the fields. */
  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    if (version < 0) {
      throw new IllegalArgumentException("expected a version >= 0 but was " + version);
    }
  }

  /** An event with no version and no detail. */
  public static AuditEvent of(
      Instant time, String principal, String operation, String resource, Outcome outcome) {
    return new AuditEvent(time, principal, operation, resource, 0, outcome, "");
  }
}
