/**
 * Signatures under a rotating signing secret: {@link dev.strongroom.signing.HmacSigner} signs with
 * CURRENT and verifies against CURRENT and, during an overlap window after a rotation, PREVIOUS, so
 * that rotating a webhook's signing key breaks no client.
 */
@NullMarked
package dev.strongroom.signing;

import org.jspecify.annotations.NullMarked;
