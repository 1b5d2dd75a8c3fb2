package dev.strongroom.internal.room;

import dev.strongroom.AccessPolicy.Resource;
import java.util.Objects;

/**
 * A resource resolved into its final namespace, as the guard sees it: its type and its full name (a
 * secret's full name, a key's namespaced name such as {@code tenants/acme/default}, a lease path, a
 * tenant id). Immutable. Not for public use.
 *
 * @param type the resource type
 * @param name the full name within the type
 */
public record Target(Resource type, String name) {
  /** The name of the room's API keys as one resource. */
  public static final String API_KEYS = "apikeys";

  public Target {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
  }

  /** The secret with full name {@code fullName}. */
  public static Target secret(String fullName) {
    return new Target(Resource.SECRET, fullName);
  }

  /** The key with namespaced name {@code namespacedName}. */
  public static Target key(String namespacedName) {
    return new Target(Resource.KEY, namespacedName);
  }

  /** The dynamic-credential path {@code path}. */
  public static Target lease(String path) {
    return new Target(Resource.LEASE, path);
  }

  /** The tenant {@code id}. */
  public static Target tenant(String id) {
    return new Target(Resource.TENANT, id);
  }

  /** The room's API keys. */
  public static Target apiKeys() {
    return new Target(Resource.API_KEY, API_KEYS);
  }

  /**
   * The resource as audit records name it: secrets and lease paths as they are, keys as {@code
   * kek/NAME}, tenants as {@code tenants/ID}, API keys as {@code apikeys}.
   */
  public String auditName() {
    switch (type) {
      case KEY:
        return "kek/" + name;
      case TENANT:
        return RoomCore.TENANTS + name;
      default:
        return name;
    }
  }

  /** How a message names it: {@code secret 'db/password'}, {@code key 'default'}. */
  public String describe() {
    return type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " '" + name + "'";
  }
}
