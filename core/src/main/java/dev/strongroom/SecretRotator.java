package dev.strongroom;

/**
 * The user's half of a two-phase secret rotation ({@link Strongroom#rotate}): make a new value, put
 * it into use where it must be (a database's user table, say), and check that it works. The room
 * writes the new value as PENDING after {@link #generate}, calls {@link #apply} and {@link
 * #verify}, and only then promotes it to CURRENT; if any step fails, CURRENT is untouched.
 *
 * <p>Implementations are called on the thread that rotates (the caller's, or the room's scheduler
 * thread for scheduled rotations), one rotation at a time per call; they must be thread-safe if
 * several rotations may run at once. Values passed in are lent for the call only.
 */
public interface SecretRotator {

  /** Returns a new value, given the CURRENT one. The room takes ownership and wipes it. */
  SecretValue generate(SecretValue current);

  /** Puts the pending value into use beside the current one; the default does nothing. */
  default void apply(SecretValue pending) {}

  /** Whether the pending value works; the default trusts it. */
  default boolean verify(SecretValue pending) {
    return true;
  }
}
