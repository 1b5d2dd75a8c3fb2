package dev.strongroom;

/**
 * How a {@link Strongroom#rewrapAll} run went. Not secret. Immutable and thread-safe.
 *
 * @param rewrapped ciphertexts moved to the newest key version
 * @param failed ciphertexts that could not be rewrapped
 */
public record RewrapSummary(long rewrapped, long failed) {}
