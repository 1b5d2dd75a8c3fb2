package dev.strongroom.vault.internal;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.LeaseProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.random.RandomGenerator;

/**
 * The Vault backend: KV v2 secrets, Transit keys and leases sharing one HTTP client and token. A
 * background thread ({@code strongroom-vault-token}, a daemon) renews the token and looks it up
 * every token check interval (see {@link TokenManager}). Closing stops it and revokes a token this
 * backend obtained by logging in (never a token it was given). Thread-safe.
 */
public final class VaultBackend implements Backend {
  private final VaultHttp http;
  private final TokenManager tokens;
  private final KvSecretStore secrets;
  private final TransitKeys keys;
  private final VaultLeases leases;

  private final ScheduledExecutorService renewer;

  private VaultBackend(
      Transport transport,
      Login login,
      String kvMount,
      String transitMount,
      Duration tokenCheckInterval) {
    this.http = new VaultHttp(transport);
    this.tokens =
        new TokenManager(
            login, transport.clock(), tokenCheckInterval, RandomGenerator.getDefault());
    http.useTokens(tokens);
    this.secrets = new KvSecretStore(http, kvMount);
    this.keys = new TransitKeys(http, transitMount);
    this.leases = new VaultLeases(http, tokens, transport.clock());
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "strongroom-vault-token");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.renewer = executor;
    tokens.start(renewer, http);
  }

  /** A backend checking its token every 30 s; nothing is sent until the first call. */
  public static VaultBackend open(
      Transport transport, Login login, String kvMount, String transitMount) {
    return open(transport, login, kvMount, transitMount, TokenManager.DEFAULT_CHECK_INTERVAL);
  }

  /**
   * A backend whose background renewer looks the token up every {@code tokenCheckInterval}; nothing
   * is sent until the first call (the renewer starts after the first login).
   */
  public static VaultBackend open(
      Transport transport,
      Login login,
      String kvMount,
      String transitMount,
      Duration tokenCheckInterval) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(tokenCheckInterval, "tokenCheckInterval");
    return new VaultBackend(transport, login, kvMount, transitMount, tokenCheckInterval);
  }

  /** The token manager, for callers in this package and tests. */
  public TokenManager tokens() {
    return tokens;
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

  /**
   * {@code vault:entity/ID} for a token bound to an identity entity (every auth method but root and
   * orphan tokens), else {@code vault:token-accessor/ACCESSOR}: the token's accessor names it
   * without revealing it. One {@code auth/token/lookup-self}, then cached: a re-login through the
   * same method keeps the same entity.
   */
  @Override
  public Optional<String> identity() {
    String known = identity;
    if (known == null) {
      com.fasterxml.jackson.databind.JsonNode data =
          http.expectOk("GET", "auth/token/lookup-self", null).data();
      String entity = data.path("entity_id").asText("");
      String accessor = data.path("accessor").asText("");
      if (!entity.isEmpty()) {
        known = "vault:entity/" + entity;
      } else if (!accessor.isEmpty()) {
        known = "vault:token-accessor/" + accessor;
      } else {
        return Optional.empty();
      }
      identity = known;
    }
    return Optional.of(known);
  }

  private volatile String identity;

  /** The HTTP layer, for callers in this package and tests. */
  public VaultHttp http() {
    return http;
  }

  @Override
  public void close() {
    try {
      tokens.revokeOwnToken(http);
    } finally {
      renewer.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "VaultBackend[" + http.transport().address() + ", auth=" + tokens.method() + "]";
  }
}
