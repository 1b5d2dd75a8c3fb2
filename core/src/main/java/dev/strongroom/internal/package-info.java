/** Strongroom internals. Not for public use: anything here may change without notice. */
package dev.strongroom.internal;
