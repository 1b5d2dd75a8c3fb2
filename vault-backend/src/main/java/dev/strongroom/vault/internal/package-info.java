/**
 * The Vault / OpenBao backend's implementation: HTTP transport with retries, token handling, KV v2,
 * Transit and leases. Not for public use: nothing here is API and it may change at any time.
 */
package dev.strongroom.vault.internal;
