package dev.strongroom.internal.room;

import dev.strongroom.AccessPolicy;
import dev.strongroom.AccessPolicy.Resource;
import dev.strongroom.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The one access check of a view: {@code (principal, operation, resource)}, asked by every facade
 * operation after it resolved its resource into its final namespace ({@link Target}). A view's
 * guard holds the policies of every {@code scoped(...)} step that made it, each with the namespace
 * it was made in; an operation is allowed when every policy allows it on the resource's name as
 * that step saw it. The room's reserved namespaces ({@link Reserved}) are refused to the secret API
 * whatever the policies say, the room itself included. Denials are audited.
 *
 * <p>Immutable and thread-safe. Not for public use.
 */
public final class Guard {
  /** One {@code scoped(...)} step: its policy and the namespace of the view it was applied to. */
  public record Scope(AccessPolicy policy, String namespace) {}

  private final AuditTrail audit;
  private final CheckoutPolicy checkouts;
  private final List<Scope> scopes;

  private Guard(AuditTrail audit, CheckoutPolicy checkouts, List<Scope> scopes) {
    this.audit = audit;
    this.checkouts = checkouts;
    this.scopes = List.copyOf(scopes);
  }

  /**
   * The guard of a room: no policy, only the reserved namespaces are refused, and the values of
   * check-out-only secrets ({@code checkouts}) are released only under a check-out lease.
   */
  public static Guard of(AuditTrail audit, CheckoutPolicy checkouts) {
    return new Guard(audit, Objects.requireNonNull(checkouts, "checkouts"), List.of());
  }

  /** This guard narrowed by {@code policy}, applied to a view of {@code namespace}. */
  public Guard narrowed(AccessPolicy policy, String namespace) {
    Objects.requireNonNull(policy, "policy");
    List<Scope> more = new ArrayList<>(scopes);
    more.add(new Scope(policy, namespace));
    return new Guard(audit, checkouts, more);
  }

  /** How many policies narrow this guard. */
  public int scopeCount() {
    return scopes.size();
  }

  /**
   * As {@link #check} for the secret {@code fullName}, allocating nothing when it is allowed (the
   * read path).
   */
  public void checkSecret(Operation operation, String opName, String fullName) {
    if (operation != Operation.READ) {
      checkouts.prime();
    }
    if (Reserved.isReserved(fullName) || !scopes.isEmpty()) {
      check(operation, opName, Target.secret(fullName));
    }
  }

  /**
   * Refuses to release the value of secret {@code fullName} (a read, a watch, an in-process lease)
   * when it is check-out-only: such a value is released only under a check-out lease. Allocates
   * nothing when it is allowed (the read path).
   *
   * @throws dev.strongroom.exception.AccessDeniedException if it is check-out-only (recorded as
   *     denied)
   * @throws dev.strongroom.exception.TamperedException if the check-out policy does not open (fail
   *     closed)
   */
  public void checkValue(String opName, String fullName) {
    if (checkouts.requires(fullName)) {
      throw audit.denied(
          opName,
          Target.secret(fullName).auditName(),
          "principal '"
              + audit.principal()
              + "' may not "
              + opName
              + " "
              + Target.secret(fullName).describe()
              + " outside a check-out lease: it is check-out-only (check it out first:"
              + " checkouts().checkout, or strongroom lease acquire)");
    }
  }

  /** Whether {@code operation} on {@code target} is allowed; records nothing. */
  public boolean allows(Operation operation, Target target) {
    if (target.type() == Resource.SECRET && Reserved.isReserved(target.name())) {
      return false;
    }
    for (Scope scope : scopes) {
      String ns = scope.namespace();
      if (!target.name().startsWith(ns)
          || !scope
              .policy()
              .allows(target.type(), operation, target.name().substring(ns.length()))) {
        return false;
      }
    }
    return true;
  }

  /** The policies narrowing this guard, outermost first. */
  public List<AccessPolicy> policies() {
    return scopes.stream().map(Scope::policy).toList();
  }

  /**
   * Checks {@code operation} (named {@code opName} in audit records) on {@code target}.
   *
   * @throws dev.strongroom.exception.AccessDeniedException if it is not allowed (recorded as
   *     denied)
   */
  public void check(Operation operation, String opName, Target target) {
    if (!allows(operation, target)) {
      throw deny(operation, opName, target);
    }
  }

  /** Records and returns the denial of {@code operation} on {@code target}. */
  public dev.strongroom.exception.AccessDeniedException deny(
      Operation operation, String opName, Target target) {
    boolean reserved = target.type() == Resource.SECRET && Reserved.isReserved(target.name());
    String message =
        "principal '"
            + audit.principal()
            + "' may not "
            + operation.name().toLowerCase(Locale.ROOT)
            + " "
            + target.describe()
            + (reserved
                ? ": names under " + Reserved.PREFIXES + " are reserved for the library"
                : " in this view");
    return audit.denied(opName, target.auditName(), message);
  }

  @Override
  public String toString() {
    return "Guard" + scopes;
  }
}
