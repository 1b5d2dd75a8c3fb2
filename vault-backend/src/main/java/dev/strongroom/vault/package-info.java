/**
 * The Vault / OpenBao backend: KV v2 secrets, Transit key-encryption keys and leased dynamic
 * credentials over Vault's HTTP API, with token, AppRole and Kubernetes authentication. Found by
 * the URI scheme {@code vault} (see {@link dev.strongroom.vault.VaultBackendProvider}), or built
 * from a {@link dev.strongroom.vault.VaultConfig}.
 */
package dev.strongroom.vault;
