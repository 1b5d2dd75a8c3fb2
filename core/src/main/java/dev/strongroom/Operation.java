package dev.strongroom;

/**
 * What an {@link AccessPolicy} may allow on a path. Key operations ({@code ENCRYPT}, {@code
 * DECRYPT}, and {@code ROTATE}, {@code READ}, {@code DELETE} on keys) are checked against {@code
 * kek/NAME}, secret operations against the secret's name.
 *
 * <p>Immutable and thread-safe.
 */
public enum Operation {
  /** Read a secret's value or metadata, or describe a key. */
  READ,
  /** Write a new version of a secret. */
  WRITE,
  /** List secret names. */
  LIST,
  /** Rotate a secret or a key, retire key versions, rewrap ciphertexts. */
  ROTATE,
  /** Hold a lease on a secret. */
  LEASE,
  /** Encrypt with a key. */
  ENCRYPT,
  /** Decrypt with a key. */
  DECRYPT,
  /** Delete, undelete or destroy a secret, or destroy a key. */
  DELETE
}
