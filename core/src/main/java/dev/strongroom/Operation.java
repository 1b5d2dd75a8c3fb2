package dev.strongroom;

/**
 * What an {@link AccessPolicy} may allow on a resource. Which operations mean something depends on
 * the {@linkplain AccessPolicy.Resource resource type}: ENCRYPT, DECRYPT and CREATE on keys only,
 * WRITE and LIST on secrets, and so on.
 *
 * <p>Immutable and thread-safe.
 */
public enum Operation {
  /** Read a secret's value or metadata, describe a key, or open a tenant's view. */
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
  DELETE,
  /** Create a key: the key-admin permission (a tenant's key included). */
  CREATE
}
