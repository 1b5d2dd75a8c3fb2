/**
 * API keys a service issues to its own clients: prefixed, checksummed, 256-bit keys that secret
 * scanners recognise; only a keyed hash (HMAC-SHA-256 under a KEK-protected pepper) and metadata
 * are stored, through the backend's secret store, so they work on every backend. Verification is
 * cached and constant-time; keys expire like leases, can be renewed, rotated with an overlap and
 * revoked; the review calls list keys unused for N days, past a maximum age or without an owner.
 *
 * <p>Start from {@link dev.strongroom.Strongroom#apiKeys()}.
 *
 * <h2>Key format</h2>
 *
 * {@code SERVICE_ENV_ID_SECRETCHECK}, for example {@code sr_live_3kT9xQ2mWbZ1aB7qLm_<43
 * characters><6 characters>}: {@code SERVICE} and {@code ENV} are 1 to 16 characters of {@code
 * [a-z0-9]} starting with a letter; {@code ID} is the public key id, 16 base62 characters: 10
 * random ones and a 6-character tag keyed by the room's pepper, so an id the room never issued is
 * refused without a backend read; {@code SECRET} is 256 random bits as 43 base62 characters; {@code
 * CHECK} is the CRC-32 of the ASCII bytes before it as 6 base62 characters (digits {@code
 * 0-9A-Za-z}, big-endian, left-padded with {@code 0}). A scanner matches {@code
 * [a-z][a-z0-9]{0,15}_[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{16}_[0-9A-Za-z]{49}} and confirms the
 * checksum ({@link dev.strongroom.apikey.ApiKeys#isWellFormed}).
 *
 * <h2>Storage</h2>
 *
 * Each key is the secret {@code apikeys/ID} holding JSON metadata, the key's hash and a MAC over
 * every field and the record's name; the pepper is the secret {@code apikeys/.pepper}, an envelope
 * ciphertext under the room's {@code default} KEK with a reserved encryption context that callers
 * cannot build. Hash, id tag and record MAC use three keys derived from the pepper with HKDF. An
 * edited, forged or moved record, and a pepper that is missing while records exist or does not
 * open, are a {@link dev.strongroom.exception.TamperedException}; a pepper is only ever created by
 * the first issue on a store without records. The prefix {@code apikeys/} is reserved for this
 * package.
 */
@NullMarked
package dev.strongroom.apikey;

import org.jspecify.annotations.NullMarked;
