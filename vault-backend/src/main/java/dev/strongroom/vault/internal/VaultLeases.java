package dev.strongroom.vault.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.LeaseExpiredException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.lease.Lease;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LeaseProvider} over any Vault path whose read returns a lease, such as {@code
 * database/creds/ROLE}: acquire reads the path, renew is {@code sys/leases/renew} (the granted
 * {@code lease_duration} is what the returned lease carries, which may be shorter than asked near
 * the max TTL), revoke is {@code sys/leases/revoke}. Vault does not report a lease's max TTL, so
 * leases carry {@link Duration#ZERO} there. A lease dies with the token that created it, so when
 * the backend logs in again with a new token this provider signals {@link #onCredentialsReset}.
 * Thread-safe.
 */
public final class VaultLeases implements LeaseProvider {
  private final VaultHttp http;
  private final TokenManager tokens;
  private final Clock clock;

  /** Leases through {@code http} with the token from {@code tokens}, stamped with {@code clock}. */
  public VaultLeases(VaultHttp http, TokenManager tokens, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Signals {@code listener} when the token the leases were created under dies (noticed by the
   * background lookup or a refused request) or a re-login replaced it for that reason.
   */
  @Override
  public void onCredentialsReset(Runnable listener) {
    tokens.onReplaced(Objects.requireNonNull(listener, "listener"));
  }

  /** Signals {@code listener} when a planned login replaces a token near its max TTL. */
  @Override
  public void onCredentialsRetiring(Runnable listener) {
    tokens.onRetiring(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public LeasedSecret acquire(String path) {
    Objects.requireNonNull(path, "path");
    if (path.isEmpty() || path.startsWith("/") || path.contains("..")) {
      throw new IllegalArgumentException("expected a relative Vault path but was '" + path + "'");
    }
    VaultHttp.Response response = http.expectOk("GET", path, null);
    JsonNode body = response.body();
    String id = body.path("lease_id").asText("");
    if (id.isEmpty()) {
      throw new StrongroomException("vault GET " + path + ": the answer carries no lease");
    }
    Lease lease =
        new Lease(
            id,
            Duration.ofSeconds(body.path("lease_duration").asLong()),
            Duration.ZERO,
            body.path("renewable").asBoolean(),
            clock.instant());
    Map<String, SecretValue> fields = new LinkedHashMap<>();
    response.data().properties().forEach(e -> fields.put(e.getKey(), toSecret(e.getValue())));
    return LeasedSecret.of(lease, fields);
  }

  @Override
  public Lease renew(String leaseId, Duration increment) {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(increment, "increment");
    ObjectNode body = VaultHttp.object();
    body.put("lease_id", leaseId);
    body.put("increment", Math.max(0, increment.toSeconds()));
    VaultHttp.Response response = http.send("PUT", "sys/leases/renew", body);
    if (response.status() == 400 || response.status() == 404) {
      throw new LeaseExpiredException(
          "vault lease " + leaseId + " cannot be renewed: HTTP " + response.status());
    }
    if (!response.ok()) {
      throw VaultHttp.failure("PUT", "sys/leases/renew", response);
    }
    JsonNode answer = response.body();
    Duration granted = Duration.ofSeconds(answer.path("lease_duration").asLong());
    if (granted.isZero()) {
      throw new LeaseExpiredException("vault lease " + leaseId + " was renewed for no time");
    }
    return new Lease(
        leaseId, granted, Duration.ZERO, answer.path("renewable").asBoolean(), clock.instant());
  }

  @Override
  public void revoke(String leaseId) {
    Objects.requireNonNull(leaseId, "leaseId");
    ObjectNode body = VaultHttp.object();
    body.put("lease_id", leaseId);
    VaultHttp.Response response = http.send("PUT", "sys/leases/revoke", body);
    if (!response.ok() && response.status() != 400 && response.status() != 404) {
      throw VaultHttp.failure("PUT", "sys/leases/revoke", response);
    }
  }

  private static SecretValue toSecret(JsonNode node) {
    byte[] bytes;
    if (node.isTextual()) {
      bytes = node.asText().getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        bytes = VaultHttp.JSON.writeValueAsBytes(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("expected a serialisable JSON tree");
      }
    }
    try {
      return SecretValue.of(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
