/** The envelope format and data-key materials. Not for public use. */
package dev.strongroom.internal.envelope;
