package dev.strongroom.internal.room;

import java.util.List;

/**
 * The room's reserved namespaces: secret names the library stores for itself, which the generic
 * secret API never reaches whatever a policy says (read, list, put, PENDING writes, rotation,
 * deletion and destruction are denied, and listings leave them out). The one place the prefixes are
 * listed; the parts that store there refer to these constants.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class Reserved {
  /** API-key records ({@code apikeys/ID}) and the pepper ({@code apikeys/.pepper}). */
  public static final String API_KEYS = "apikeys/";

  /**
   * Everything else the library keeps in the secret store: audit checkpoints ({@link
   * #AUDIT_CHECKPOINT}), and in future tenant key records and lease records ({@code
   * .strongroom/keys/}, {@code .strongroom/leases/}).
   */
  public static final String LIBRARY = ".strongroom/";

  /** Where the audit helper mirrors its chain head. */
  public static final String AUDIT_CHECKPOINT = LIBRARY + "audit/checkpoint";

  /** Every reserved prefix of the root namespace. */
  public static final List<String> PREFIXES = List.of(API_KEYS, LIBRARY);

  /** The first character of every prefix. */
  private static final String FIRST_CHARACTERS =
      PREFIXES.stream().map(p -> p.substring(0, 1)).distinct().reduce("", String::concat);

  private Reserved() {}

  /**
   * Whether the full secret name {@code name} is reserved: under a reserved prefix, or the prefix
   * itself without its slash.
   */
  public static boolean isReserved(String name) {
    // the read path: one character rules out most names
    if (name.isEmpty() || FIRST_CHARACTERS.indexOf(name.charAt(0)) < 0) {
      return false;
    }
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix) || isBare(name, prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is {@code prefix} without its trailing slash (no allocation). */
  private static boolean isBare(String name, String prefix) {
    return name.length() == prefix.length() - 1 && prefix.startsWith(name);
  }

  /** Whether a listing of the full prefix {@code prefix} can only contain reserved names. */
  public static boolean coversOnlyReserved(String prefix) {
    for (String reserved : PREFIXES) {
      if (prefix.startsWith(reserved)) {
        return true;
      }
    }
    return false;
  }
}
