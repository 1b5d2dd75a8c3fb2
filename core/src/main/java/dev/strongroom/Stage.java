package dev.strongroom;

/**
 * The stage labels a secret version can carry, as in AWS Secrets Manager: at most one version of a
 * secret is {@code CURRENT}, one {@code PENDING} (written by a rotation, not yet in use) and one
 * {@code PREVIOUS} (the last {@code CURRENT}, kept for an overlap window). Immutable and
 * thread-safe, like every enum.
 */
public enum Stage {
  CURRENT,
  PENDING,
  PREVIOUS
}
