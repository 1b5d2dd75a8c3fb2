package dev.strongroom.envelope;

/**
 * Counters of an {@link Envelope}'s data-key caches, read with {@link Envelope#stats()}. They show
 * what caching buys: ten thousand messages under one DEK are 9,999 encryption hits, one miss and
 * one KEK call. Immutable snapshot.
 *
 * @param encryptHits messages encrypted under a cached DEK
 * @param encryptMisses messages that needed a new DEK
 * @param decryptHits messages decrypted with a cached unwrapped DEK
 * @param decryptMisses messages whose DEK had to be unwrapped
 * @param kekCalls calls made to key-encryption services (generate, wrap, unwrap, rewrap)
 */
public record EnvelopeStats(
    long encryptHits, long encryptMisses, long decryptHits, long decryptMisses, long kekCalls) {}
