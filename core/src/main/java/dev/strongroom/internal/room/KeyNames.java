package dev.strongroom.internal.room;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Resolves a key name as a view spells it into the name the guard checks and the name the key
 * service stores. Keys are namespaced like secrets: in the room {@code default} is {@code default}
 * and tenant {@code acme}'s key is {@code tenants/acme/default} (stored as {@code tenant-acme}, a
 * spelling the room also accepts and maps to the same resource, so one key never has two names to
 * the guard); in tenant {@code acme}'s view {@code default} is {@code tenants/acme/default}.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class KeyNames {
  /** What a tenant id may be. */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private static final String DEFAULT_SUFFIX = "/" + RoomCore.DEFAULT_KEK;

  private KeyNames() {}

  /**
   * A resolved key.
   *
   * @param target what the guard checks
   * @param stored the key's name in the key service, or null if no key can have this name (a tenant
   *     has only {@code default})
   */
  public record Resolved(Target target, String stored) {}

  /** Resolves {@code name} as spelled in a view of {@code namespace} (tenant {@code tenantId}). */
  public static Resolved resolve(String namespace, String tenantId, String name) {
    Objects.requireNonNull(name, "keyName");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("expected a key name such as default but it was empty");
    }
    if (tenantId != null) {
      String namespaced = namespace + name;
      return new Resolved(
          Target.key(namespaced),
          name.equals(RoomCore.DEFAULT_KEK) ? RoomCore.TENANT_KEK_PREFIX + tenantId : null);
    }
    if (name.startsWith(RoomCore.TENANT_KEK_PREFIX)) {
      String id = name.substring(RoomCore.TENANT_KEK_PREFIX.length());
      if (TENANT_ID.matcher(id).matches()) {
        return tenantKey(id);
      }
    }
    if (name.startsWith(RoomCore.TENANTS)) {
      String id =
          name.endsWith(DEFAULT_SUFFIX)
              ? name.substring(RoomCore.TENANTS.length(), name.length() - DEFAULT_SUFFIX.length())
              : "";
      if (!TENANT_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "expected a tenant key named tenants/ID/default but was '" + name + "'");
      }
      return tenantKey(id);
    }
    return new Resolved(Target.key(name), name);
  }

  private static Resolved tenantKey(String id) {
    return new Resolved(
        Target.key(RoomCore.TENANTS + id + DEFAULT_SUFFIX), RoomCore.TENANT_KEK_PREFIX + id);
  }
}
