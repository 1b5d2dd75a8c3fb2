package dev.strongroom;

import dev.strongroom.internal.room.Glob;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@linkplain Strongroom#scoped scoped view} of a room may do: a list of rules, each a
 * {@linkplain Resource resource type}, a name pattern and the operations it allows. A call is
 * allowed if some rule of its resource type matches its name and operation; everything else is
 * denied. A rule for one type never allows anything on another: a secret named {@code kek/x} is not
 * the key {@code x}. Patterns are globs: {@code *} matches within one {@code /}-separated segment
 * ({@code db/*} matches {@code db/password}, not {@code db/a/b}), {@code **} matches across
 * segments ({@code app/**} matches everything under {@code app/}), {@code ?} one character.
 *
 * <p>Names are matched as the view that was scoped sees them. Keys are named like secrets: in the
 * room the key {@code default} is {@code default} and a tenant's key is {@code tenants/ID/default};
 * in a tenant view its own key is {@code default}. Tenants are matched by id ({@link
 * Strongroom#tenant} needs {@link Operation#READ} on {@link Resource#TENANT}).
 *
 * <pre>{@code
 * AccessPolicy policy =
 *     AccessPolicy.allow("db/*", Operation.READ)
 *         .andAllow(AccessPolicy.Resource.KEY, "default", Operation.ENCRYPT, Operation.DECRYPT);
 * }</pre>
 *
 * <p>Nothing a policy says reaches the room's reserved namespaces (see {@link Strongroom}).
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessPolicy {

  /** The types of resource a rule applies to; each has its own names and operations. */
  public enum Resource {
    /** Secrets, by name: READ, WRITE, LIST, ROTATE, LEASE (a lease on its value), DELETE. */
    SECRET(
        Operation.READ,
        Operation.WRITE,
        Operation.LIST,
        Operation.ROTATE,
        Operation.LEASE,
        Operation.DELETE),
    /**
     * Key-encryption keys, by name: CREATE, READ (describe), ENCRYPT, DECRYPT, ROTATE (rotate,
     * retire versions, rewrap), DELETE (destroy).
     */
    KEY(
        Operation.CREATE,
        Operation.READ,
        Operation.ENCRYPT,
        Operation.DECRYPT,
        Operation.ROTATE,
        Operation.DELETE),
    /** Dynamic credentials, by the backend path they are leased from: LEASE. */
    LEASE(Operation.LEASE),
    /** The room's API keys (the name {@code apikeys}): WRITE to manage them. */
    API_KEY(Operation.READ, Operation.WRITE),
    /** Tenants, by id: READ opens the tenant's view. */
    TENANT(Operation.READ);

    @SuppressWarnings("ImmutableEnumChecker") // Set.copyOf: unmodifiable
    private final Set<Operation> operations;

    Resource(Operation first, Operation... rest) {
      this.operations = Set.copyOf(EnumSet.of(first, rest));
    }

    /** The operations that mean something on this type. */
    public Set<Operation> operations() {
      return operations;
    }
  }

  private record Rule(Resource type, Glob pattern, Set<Operation> operations) {
    @Override
    public String toString() {
      return type + ":" + pattern + "=" + operations;
    }
  }

  private final List<Rule> rules;

  private AccessPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** A policy allowing {@code operations} on secrets whose names match {@code pattern}. */
  public static AccessPolicy allow(String pattern, Operation... operations) {
    return allow(Resource.SECRET, pattern, operations);
  }

  /** A policy allowing {@code operations} on resources of {@code type} matching {@code pattern}. */
  public static AccessPolicy allow(Resource type, String pattern, Operation... operations) {
    return new AccessPolicy(List.of()).andAllow(type, pattern, operations);
  }

  /** This policy plus a rule allowing {@code operations} on secrets matching {@code pattern}. */
  public AccessPolicy andAllow(String pattern, Operation... operations) {
    return andAllow(Resource.SECRET, pattern, operations);
  }

  /**
   * This policy plus a rule allowing {@code operations} on resources of {@code type} whose names
   * match {@code pattern}.
   *
   * @throws IllegalArgumentException if an operation means nothing on {@code type} (such as ENCRYPT
   *     on a secret), or the pattern is empty
   */
  public AccessPolicy andAllow(Resource type, String pattern, Operation... operations) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(operations, "operations");
    if (operations.length == 0) {
      throw new IllegalArgumentException("expected at least one operation but got none");
    }
    EnumSet<Operation> ops = EnumSet.noneOf(Operation.class);
    for (Operation op : operations) {
      Objects.requireNonNull(op, "operation");
      if (!type.operations().contains(op)) {
        throw new IllegalArgumentException(
            "expected operations of "
                + type
                + " in "
                + new java.util.TreeSet<>(type.operations())
                + " but got "
                + op
                + (type == Resource.SECRET && Resource.KEY.operations().contains(op)
                    ? "; key permissions are rules of their own: allow(AccessPolicy.Resource.KEY,"
                        + " \"default\", Operation."
                        + op
                        + ")"
                    : ""));
      }
      ops.add(op);
    }
    List<Rule> more = new ArrayList<>(rules);
    more.add(new Rule(type, Glob.compile(pattern), Set.copyOf(ops)));
    return new AccessPolicy(more);
  }

  /** Whether {@code operation} on the secret {@code path} is allowed. */
  public boolean allows(Operation operation, String path) {
    return allows(Resource.SECRET, operation, path);
  }

  /** Whether {@code operation} on the resource of {@code type} named {@code name} is allowed. */
  public boolean allows(Resource type, Operation operation, String name) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(name, "name");
    for (Rule rule : rules) {
      if (rule.type() == type
          && rule.operations().contains(operation)
          && rule.pattern().matches(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some rule of {@code type} allows {@code operation} at all. */
  boolean mentions(Resource type, Operation operation) {
    return rules.stream().anyMatch(r -> r.type() == type && r.operations().contains(operation));
  }

  @Override
  public String toString() {
    return "AccessPolicy" + rules;
  }
}
