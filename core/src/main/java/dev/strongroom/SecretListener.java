package dev.strongroom;

/**
 * Told when a secret a room watches gets a new CURRENT version ({@link Strongroom#onChange}).
 *
 * <p>Called on the room's refresh executor (the room's own {@code strongroom-N} daemon threads
 * unless the builder set an executor), one call per new version per listener. Implementations must
 * be thread-safe and quick; an exception they throw is logged and does not stop other listeners.
 */
@FunctionalInterface
public interface SecretListener {

  /**
   * A new version of {@code name} became CURRENT. {@code value} is lent for this call and wiped
   * when it returns: copy what you keep.
   */
  void changed(String name, long version, SecretValue value);
}
