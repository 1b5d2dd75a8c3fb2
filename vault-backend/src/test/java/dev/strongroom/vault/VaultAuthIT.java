package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token self-renewal, AppRole login and re-login when the token dies, against OpenBao. */
class VaultAuthIT {
  @TempDir Path dir;
  private VaultBackend root;
  private String policy;
  private String secret;

  @BeforeEach
  void setUp() {
    root = VaultServers.devBackend();
    policy = VaultServers.unique("it-policy");
    secret = VaultServers.unique("it-auth") + "/s";
    ObjectNode body = VaultHttp.object();
    body.put(
        "policy",
        "path \"secret/*\" { capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\"] }");
    VaultServers.root(root, "PUT", "sys/policies/acl/" + policy, body);
    root.secrets()
        .write(
            new WriteRequest(
                secret, SecretValue.ofUtf8("v"), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  private String createToken(String ttl) {
    ObjectNode body = VaultHttp.object();
    body.putArray("policies").add(policy);
    body.put("ttl", ttl);
    return VaultServers.root(root, "POST", "auth/token/create", body)
        .body()
        .path("auth")
        .path("client_token")
        .asText();
  }

  private JsonNode lookup(String token) {
    return VaultServers.root(
            root, "POST", "auth/token/lookup", VaultHttp.object().put("token", token))
        .data();
  }

  private void revoke(String token) {
    VaultServers.root(root, "POST", "auth/token/revoke", VaultHttp.object().put("token", token));
  }

  private static boolean readable(Backend backend, String name) {
    return backend.secrets().read(ReadRequest.current(name)).isPresent();
  }

  @Test
  void token_pastTwoThirdsOfTtl_renewsItself() {
    String token = createToken("1h");
    MutableClock clock = MutableClock.at(Instant.now());
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                .token(SecretValue.ofUtf8(token))
                .clock(clock)
                .build())) {
      assertTrue(readable(backend, secret));
      assertTrue(
          lookup(token).path("last_renewal_time").isMissingNode()
              || lookup(token).path("last_renewal_time").asLong() == 0);
      clock.advance(Duration.ofMinutes(30));
      assertTrue(readable(backend, secret));
      assertTrue(
          lookup(token).path("last_renewal_time").isMissingNode()
              || lookup(token).path("last_renewal_time").asLong() == 0,
          "renewed too early");
      clock.advance(Duration.ofMinutes(11));
      assertTrue(readable(backend, secret));
      assertTrue(lookup(token).path("last_renewal_time").asLong() > 0, "not renewed");
    } finally {
      revoke(token);
    }
  }

  @Test
  void tokenFile_renewalRefused_readsFileAgain() throws Exception {
    String first = createToken("1h");
    String second = createToken("1h");
    Path file = dir.resolve("token");
    Files.writeString(file, first + "\n");
    MutableClock clock = MutableClock.at(Instant.now());
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                .tokenFile(file)
                .clock(clock)
                .build())) {
      assertTrue(readable(backend, secret));
      revoke(first);
      Files.writeString(file, second + "\n");
      clock.advance(Duration.ofMinutes(50));
      assertTrue(readable(backend, secret));
      assertTrue(lookup(second).path("ttl").asLong() > 0);
    } finally {
      revoke(second);
    }
  }

  @Test
  void staticToken_revoked_failsWithAccessDenied() {
    String token = createToken("1h");
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                .token(SecretValue.ofUtf8(token))
                .build())) {
      assertTrue(readable(backend, secret));
      revoke(token);
      AccessDeniedException e =
          assertThrows(AccessDeniedException.class, () -> readable(backend, secret));
      assertFalse(e.getMessage().contains(token));
    }
  }

  @Test
  void appRole_login_thenTokenRevoked_logsInAgain() {
    String role = VaultServers.unique("it-role");
    ObjectNode roleBody = VaultHttp.object();
    roleBody.putArray("token_policies").add(policy);
    roleBody.put("token_ttl", "1h");
    roleBody.put("token_max_ttl", "4h");
    VaultServers.root(root, "POST", "auth/approle/role/" + role, roleBody);
    String roleId =
        VaultServers.root(root, "GET", "auth/approle/role/" + role + "/role-id", null)
            .data()
            .path("role_id")
            .asText();
    String secretId =
        VaultServers.root(
                root, "POST", "auth/approle/role/" + role + "/secret-id", VaultHttp.object())
            .data()
            .path("secret_id")
            .asText();

    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                .appRole("approle", SecretValue.ofUtf8(roleId), SecretValue.ofUtf8(secretId))
                .build())) {
      assertTrue(readable(backend, secret));
      List<String> before = VaultServers.roleAccessors(root, role);
      assertEquals(1, before.size());
      VaultServers.root(
          root,
          "POST",
          "auth/token/revoke-accessor",
          VaultHttp.object().put("accessor", before.get(0)));

      assertTrue(readable(backend, secret));
      List<String> after = VaultServers.roleAccessors(root, role);
      assertEquals(1, after.size());
      assertNotEquals(before.get(0), after.get(0));
    }
    assertEquals(
        List.of(),
        VaultServers.roleAccessors(root, role),
        "close revokes the token it logged in for");
  }

  @Test
  void appRole_wrongSecretId_isAccessDeniedWithoutCredentials() {
    String canary = "CANARY-secret-id-7d2e";
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
                .appRole("approle", SecretValue.ofUtf8("no-such-role"), SecretValue.ofUtf8(canary))
                .build())) {
      AccessDeniedException e =
          assertThrows(AccessDeniedException.class, () -> readable(backend, secret));
      assertFalse(e.getMessage().contains(canary));
      assertTrue(e.getMessage().contains("approle login refused"), e.getMessage());
    }
  }
}
