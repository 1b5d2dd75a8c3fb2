package dev.strongroom.vault.internal;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.LeaseProvider;
import java.util.Objects;
import java.util.Optional;

/**
 * The Vault backend: KV v2 secrets, Transit keys and leases sharing one HTTP client and token.
 * Closing revokes a token this backend obtained by logging in (never a token it was given).
 * Thread-safe.
 */
public final class VaultBackend implements Backend {
  private final VaultHttp http;
  private final TokenManager tokens;
  private final KvSecretStore secrets;
  private final TransitKeys keys;
  private final VaultLeases leases;

  private VaultBackend(Transport transport, Login login, String kvMount, String transitMount) {
    this.http = new VaultHttp(transport);
    this.tokens = new TokenManager(login, transport.clock());
    http.useTokens(tokens);
    this.secrets = new KvSecretStore(http, kvMount);
    this.keys = new TransitKeys(http, transitMount);
    this.leases = new VaultLeases(http, tokens, transport.clock());
  }

  /** A backend; nothing is sent until the first call. */
  public static VaultBackend open(
      Transport transport, Login login, String kvMount, String transitMount) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(login, "login");
    return new VaultBackend(transport, login, kvMount, transitMount);
  }

  @Override
  public KvSecretStore secrets() {
    return secrets;
  }

  @Override
  public TransitKeys keys() {
    return keys;
  }

  @Override
  public Optional<LeaseProvider> leases() {
    return Optional.of(leases);
  }

  /** The HTTP layer, for callers in this package and tests. */
  public VaultHttp http() {
    return http;
  }

  @Override
  public void close() {
    tokens.revokeOwnToken(http);
  }

  @Override
  public String toString() {
    return "VaultBackend[" + http.transport().address() + ", auth=" + tokens.method() + "]";
  }
}
