/**
 * Cryptographic building blocks composed from the JDK, Tink and Bouncy Castle. Not for public use:
 * anything here may change without notice.
 */
package dev.strongroom.internal.crypto;
