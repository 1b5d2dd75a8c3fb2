package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.ReadRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultBackendProviderTest {
  private static final String TOKEN = "s.CANARYTOKEN0123456789";
  @TempDir Path dir;

  private static VaultConfig parse(String uri, Map<String, String> env) {
    return VaultBackendProvider.config(URI.create(uri), env::get);
  }

  @Test
  void serviceLoader_findsVaultScheme() {
    assertTrue(
        ServiceLoader.load(BackendProvider.class).stream()
            .anyMatch(p -> p.get().scheme().equals("vault")));
  }

  @Test
  void uri_defaults_httpsPort8200TokenFromEnv() {
    VaultConfig config = parse("vault://vault.example", Map.of("VAULT_TOKEN", TOKEN));
    assertEquals(URI.create("https://vault.example:8200"), config.address());
    assertEquals("token", config.authMethod());
    assertEquals("secret", config.kvMount());
    assertEquals("transit", config.transitMount());
    assertFalse(config.toString().contains(TOKEN));
    assertFalse(config.toString().contains("CANARY"));
  }

  @Test
  void uri_allParameters_areApplied() {
    VaultConfig config =
        parse(
            "vault://127.0.0.1:8201?tls=false&kv=kv2&transit=keys&namespace=team%2Fa"
                + "&timeout=500ms&deadline=1m&attempts=2",
            Map.of("STRONGROOM_VAULT_TOKEN", TOKEN));
    assertEquals(URI.create("http://127.0.0.1:8201"), config.address());
    assertEquals("kv2", config.kvMount());
    assertEquals("keys", config.transitMount());
    assertEquals("team/a", config.namespace().orElseThrow());
    assertEquals(Duration.ofMillis(500), config.requestTimeout());
    assertEquals(Duration.ofMinutes(1), config.deadline());
    assertEquals(2, config.maxAttempts());
  }

  @Test
  void uri_appRoleFromFiles_andKubernetes() throws Exception {
    Path roleId = Files.writeString(dir.resolve("role"), "r\n");
    Path secretId = Files.writeString(dir.resolve("secret"), "s\n");
    VaultConfig approle =
        parse(
            "vault://h?auth=approle&role_id_file=" + roleId + "&secret_id_file=" + secretId,
            Map.of());
    assertEquals("approle", approle.authMethod());
    VaultConfig k8s = parse("vault://h?auth=kubernetes&role=app", Map.of());
    assertEquals("kubernetes", k8s.authMethod());
  }

  @Test
  void uri_jwt_needsRoleAndFile_andDefaultsTheMount() throws Exception {
    Path jwt = Files.writeString(dir.resolve("jwt"), "h.p.s");
    VaultConfig config = parse("vault://h?auth=jwt&role=app&jwt_file=" + jwt, Map.of());
    assertEquals("jwt", config.authMethod());
    assertTrue(config.toString().contains("auth=jwt"), config.toString());
    IllegalArgumentException noRole =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("vault://h?auth=jwt&jwt_file=" + jwt, Map.of()));
    assertTrue(noRole.getMessage().contains("role"), noRole.getMessage());
    IllegalArgumentException noFile =
        assertThrows(
            IllegalArgumentException.class, () -> parse("vault://h?auth=jwt&role=a", Map.of()));
    assertTrue(noFile.getMessage().contains("jwt_file"), noFile.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> parse("vault://h?auth=jwt&role=a&auth_mount=../x&jwt_file=" + jwt, Map.of()));
  }

  @Test
  void jwtLogin_readsTheFileAtEveryLogin_andNamesMethodAndMountOnRefusal() throws Exception {
    Path jwt = Files.writeString(dir.resolve("jwt"), "first.jwt.sig\n");
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestURI().getPath() + " " + body);
            boolean ok = body.contains("first") || body.contains("second");
            byte[] answer =
                (ok
                        ? "{\"auth\":{\"client_token\":\"t\",\"lease_duration\":60,\"renewable\":true}}"
                        : "{\"errors\":[\"refused\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    server.start();
    try {
      VaultConfig config =
          VaultConfig.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
              .jwt("ci/jwt", "deployer", jwt)
              .build();
      try (Backend backend = VaultBackendProvider.connect(config)) {
        dev.strongroom.vault.internal.VaultHttp http =
            ((dev.strongroom.vault.internal.VaultBackend) backend).http();
        config.login().login(http);
        Files.writeString(jwt, "second.jwt.sig");
        config.login().login(http);
        Files.writeString(jwt, "CANARY.jwt.sig");
        dev.strongroom.exception.AccessDeniedException e =
            assertThrows(
                dev.strongroom.exception.AccessDeniedException.class,
                () -> config.login().login(http));
        assertTrue(e.getMessage().contains("jwt login refused at mount ci/jwt"), e.getMessage());
        assertFalse(e.getMessage().contains("CANARY"), e.getMessage());
        Files.delete(jwt);
        dev.strongroom.exception.AccessDeniedException missing =
            assertThrows(
                dev.strongroom.exception.AccessDeniedException.class,
                () -> config.login().login(http));
        assertTrue(
            missing.getMessage().contains("jwt login at mount ci/jwt"), missing.getMessage());
      }
    } finally {
      server.stop(0);
    }
    assertEquals(
        "/v1/auth/ci/jwt/login {\"role\":\"deployer\",\"jwt\":\"first.jwt.sig\"}", seen.get(0));
    assertEquals(
        "/v1/auth/ci/jwt/login {\"role\":\"deployer\",\"jwt\":\"second.jwt.sig\"}", seen.get(1));
  }

  @Test
  void jwtSupplier_failureIsTypedAndNamesTheMount() {
    VaultConfig config =
        VaultConfig.builder(URI.create("http://127.0.0.1:9"))
            .jwt(
                "jwt",
                "r",
                () -> {
                  throw new IllegalStateException("CANARY-supplier-detail");
                })
            .build();
    dev.strongroom.exception.AccessDeniedException e =
        assertThrows(
            dev.strongroom.exception.AccessDeniedException.class, () -> config.login().login(null));
    assertTrue(e.getMessage().contains("jwt login at mount jwt"), e.getMessage());
    assertFalse(e.getMessage().contains("CANARY"), e.getMessage());
  }

  @Test
  void uri_mistakes_areRefusedWithoutCredentials() {
    Map<String, String> env = Map.of("VAULT_TOKEN", TOKEN);
    IllegalArgumentException userInfo =
        assertThrows(
            IllegalArgumentException.class, () -> parse("vault://user:" + TOKEN + "@h", env));
    assertFalse(userInfo.getMessage().contains(TOKEN));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h?tsl=false", env));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h?auth=ldap", env));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h/path", env));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h?auth=kubernetes", env));
    assertThrows(IllegalArgumentException.class, () -> parse("vault://h?timeout=soon", env));
  }

  @Test
  void kubernetesLogin_sendsRoleAndJwt_thenUsesIssuedToken() throws Exception {
    Path jwt = Files.writeString(dir.resolve("jwt"), "header.payload.sig\n");
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            seen.add(
                path + " " + exchange.getRequestHeaders().getFirst("X-Vault-Token") + " " + body);
            byte[] answer =
                path.equals("/v1/auth/k8s/login")
                    ? "{\"auth\":{\"client_token\":\"issued\",\"lease_duration\":3600,\"renewable\":true}}"
                        .getBytes(StandardCharsets.UTF_8)
                    : "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(path.endsWith("/login") ? 200 : 404, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    server.start();
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultConfig.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .kubernetes("k8s", "app", jwt)
                .namespace("ns1")
                .build())) {
      assertTrue(backend.secrets().read(ReadRequest.current("a/b")).isEmpty());
      assertThrows(NotFoundException.class, () -> backend.secrets().metadata("a/b"));
    } finally {
      server.stop(0);
    }
    assertEquals(
        "/v1/auth/k8s/login null {\"role\":\"app\",\"jwt\":\"header.payload.sig\"}", seen.get(0));
    assertTrue(seen.get(1).startsWith("/v1/secret/data/a/b issued"), seen.get(1));
  }

  @Test
  void builder_withoutAuth_namesWhatIsMissing() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> VaultConfig.builder(URI.create("https://h:8200")).build());
    assertTrue(e.getMessage().contains("authentication method"));
    assertTrue(
        VaultConfig.builder(URI.create("https://h:8200"))
            .token(SecretValue.ofUtf8(TOKEN))
            .build()
            .toString()
            .startsWith("VaultConfig[address=https://h:8200"));
  }

  /** Issue 17: the bound on noticing a revoked token is a URI parameter, default 30 s. */
  @Test
  void tokenCheckInterval_parsedBoundedAndDefault30s() {
    Map<String, String> env = Map.of("VAULT_TOKEN", TOKEN);
    assertEquals(
        java.time.Duration.ofSeconds(30), parse("vault://vault.example", env).tokenCheckInterval());
    assertEquals(
        java.time.Duration.ofMillis(500),
        parse("vault://vault.example?token_check_interval=500ms", env).tokenCheckInterval());
    for (String bad : new String[] {"50ms", "2h", "0s", "x"}) {
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class,
              () -> parse("vault://vault.example?token_check_interval=" + bad, env));
      org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains(TOKEN));
    }
  }
}
