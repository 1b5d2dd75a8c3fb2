/**
 * The embedded default backend: an encrypted, crash-safe, multi-process-safe store of secrets and
 * key-encryption keys in a local folder, opened through {@link
 * dev.strongroom.file.FileBackendProvider} for {@code file:} URIs.
 */
package dev.strongroom.file;
