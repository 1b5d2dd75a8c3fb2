/**
 * The in-memory backend behind {@code memory:} URIs, for users' own unit tests. Not for public use:
 * anything here may change without notice; open it with {@code Strongroom.open("memory:")}.
 */
package dev.strongroom.internal.memory;
