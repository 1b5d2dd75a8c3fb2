/**
 * Envelope encryption: {@link dev.strongroom.envelope.Envelope} encrypts data under a cached data
 * key (DEK) that one or more key-encryption keys (KEKs) wrap, binds an {@link
 * dev.strongroom.envelope.EncryptionContext} to every ciphertext, streams data larger than memory,
 * and rewraps old ciphertexts to the newest KEK version. The format is in docs/FORMAT.md.
 */
@NullMarked
package dev.strongroom.envelope;

import org.jspecify.annotations.NullMarked;
