package dev.strongroom;

import dev.strongroom.exception.StrongroomException;

/**
 * Receives the results of {@link Strongroom#rewrapAll}: each rewrapped ciphertext to store in place
 * of the old one, and each failure. The index counts ciphertexts from 0 in iteration order, so it
 * also reports progress.
 *
 * <p>Called on the thread running {@code rewrapAll}, in order; need not be thread-safe.
 */
public interface RewrapListener {

  /** Ciphertext {@code index} was rewrapped to {@code ciphertext}; store it. */
  void rewrapped(long index, byte[] ciphertext);

  /** Ciphertext {@code index} could not be rewrapped; the default ignores it. */
  default void failed(long index, StrongroomException failure) {}
}
