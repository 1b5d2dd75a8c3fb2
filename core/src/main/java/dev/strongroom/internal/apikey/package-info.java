/**
 * The engine behind {@code dev.strongroom.apikey}: the key format and its checksum, the stored
 * record codec, the pepper and the verification cache. Not for public use: anything here may change
 * without notice.
 */
package dev.strongroom.internal.apikey;
