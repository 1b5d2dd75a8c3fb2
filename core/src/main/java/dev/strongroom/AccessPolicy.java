package dev.strongroom;

import dev.strongroom.internal.room.Glob;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@linkplain Strongroom#scoped scoped view} of a room may do: a list of rules, each a path
 * pattern and the operations it allows. A call is allowed if some rule matches its path and
 * operation; everything else is denied. Patterns are globs: {@code *} matches within one {@code
 * /}-separated segment ({@code db/*} matches {@code db/password}, not {@code db/a/b}), {@code **}
 * matches across segments ({@code app/**} matches everything under {@code app/}), {@code ?} one
 * character. Keys are matched as {@code kek/NAME}.
 *
 * <pre>{@code
 * AccessPolicy policy =
 *     AccessPolicy.allow("db/*", Operation.READ)
 *         .andAllow("kek/default", Operation.ENCRYPT, Operation.DECRYPT);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessPolicy {
  private record Rule(Glob pattern, Set<Operation> operations) {
    @Override
    public String toString() {
      return pattern + "=" + operations;
    }
  }

  private final List<Rule> rules;

  private AccessPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** A policy allowing {@code operations} on paths matching {@code pattern}. */
  public static AccessPolicy allow(String pattern, Operation... operations) {
    return new AccessPolicy(List.of()).andAllow(pattern, operations);
  }

  /** This policy plus a rule allowing {@code operations} on paths matching {@code pattern}. */
  public AccessPolicy andAllow(String pattern, Operation... operations) {
    Objects.requireNonNull(operations, "operations");
    if (operations.length == 0) {
      throw new IllegalArgumentException("expected at least one operation but got none");
    }
    EnumSet<Operation> ops = EnumSet.noneOf(Operation.class);
    for (Operation op : operations) {
      ops.add(Objects.requireNonNull(op, "operation"));
    }
    List<Rule> more = new ArrayList<>(rules);
    more.add(new Rule(Glob.compile(pattern), Set.copyOf(ops)));
    return new AccessPolicy(more);
  }

  /** Whether {@code operation} on {@code path} is allowed. */
  public boolean allows(Operation operation, String path) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(path, "path");
    for (Rule rule : rules) {
      if (rule.operations().contains(operation) && rule.pattern().matches(path)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some rule allows {@code operation} at all. */
  boolean mentions(Operation operation) {
    return rules.stream().anyMatch(r -> r.operations().contains(operation));
  }

  @Override
  public String toString() {
    return "AccessPolicy" + rules;
  }
}
