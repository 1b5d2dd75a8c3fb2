/**
 * The engine behind {@code dev.strongroom.Strongroom}: the secret cache, access checks and the
 * access-recording hook. Not for public use: anything here may change without notice.
 */
package dev.strongroom.internal.room;
