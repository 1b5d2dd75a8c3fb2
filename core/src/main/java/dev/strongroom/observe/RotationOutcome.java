package dev.strongroom.observe;

/**
 * How a {@linkplain dev.strongroom.Strongroom#rotate rotation} ended, as told to {@link
 * RoomObserver#rotation}. Immutable and thread-safe, like every enum.
 */
public enum RotationOutcome {
  /** The new value became CURRENT. */
  PROMOTED,
  /** The rotator's generate, apply or verify step failed or refused; CURRENT is untouched. */
  REJECTED,
  /** Another writer changed the secret first; CURRENT is the other writer's. */
  CONFLICT,
  /** The backend failed; CURRENT is untouched. */
  BACKEND_ERROR
}
