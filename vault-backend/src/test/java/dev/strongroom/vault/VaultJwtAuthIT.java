package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.strongroom.vault.internal.Login;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT/OIDC login against OpenBao's real jwt auth method, with a key pair made by the test: OpenBao
 * checks the signature, issuer, audience and expiry.
 */
class VaultJwtAuthIT {
  private static final String ISSUER = "https://issuer.strongroom.test";
  private static final String AUDIENCE = "strongroom-it";
  @TempDir Path dir;
  private final Jwts jwts = Jwts.generate();
  private VaultBackend root;
  private String mount;
  private String role;
  private String policy;
  private String secret;

  @BeforeEach
  void setUp() {
    root = VaultServers.devBackend();
    mount = VaultServers.unique("it-jwt");
    role = "app";
    policy = VaultServers.unique("it-jwt-policy");
    secret = VaultServers.unique("it-jwt") + "/s";
    VaultServers.root(
        root,
        "PUT",
        "sys/policies/acl/" + policy,
        VaultHttp.object()
            .put("policy", "path \"secret/data/*\" { capabilities = [\"read\", \"create\"] }"));
    VaultServers.root(root, "POST", "sys/auth/" + mount, VaultHttp.object().put("type", "jwt"));
    ObjectNode config = VaultHttp.object().put("bound_issuer", ISSUER);
    config.putArray("jwt_validation_pubkeys").add(jwts.publicKeyPem());
    VaultServers.root(root, "POST", "auth/" + mount + "/config", config);
    ObjectNode roleBody =
        VaultHttp.object().put("role_type", "jwt").put("user_claim", "sub").put("token_ttl", "1h");
    roleBody.putArray("bound_audiences").add(AUDIENCE);
    roleBody.putArray("token_policies").add(policy);
    roleBody.putObject("claim_mappings").put("sub", "subject");
    VaultServers.root(root, "POST", "auth/" + mount + "/role/" + role, roleBody);
    root.secrets()
        .write(
            new WriteRequest(
                secret, SecretValue.ofUtf8("v"), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  @AfterEach
  void tearDown() {
    VaultServers.root(root, "DELETE", "sys/auth/" + mount, null);
    VaultServers.root(root, "DELETE", "sys/policies/acl/" + policy, null);
  }

  private String jwt(String subject, String audience, Instant expiry) {
    return jwts.sign(ISSUER, audience, subject, Instant.now(), expiry);
  }

  private String valid(String subject) {
    return jwt(subject, AUDIENCE, Instant.now().plus(Duration.ofMinutes(10)));
  }

  private String subjectOf(SecretValue token) {
    VaultHttp.Response r = root.http().exchange("GET", "auth/token/lookup-self", null, token);
    assertTrue(r.ok(), "lookup-self " + r.status());
    return r.data().path("meta").path("subject").asText();
  }

  /** Accessors of live tokens issued by this test's mount. */
  private List<String> mountAccessors() {
    List<String> found = new ArrayList<>();
    for (JsonNode accessor :
        VaultServers.root(root, "LIST", "auth/token/accessors", null).data().path("keys")) {
      VaultHttp.Response info =
          root.http()
              .send(
                  "POST",
                  "auth/token/lookup-accessor",
                  VaultHttp.object().put("accessor", accessor.asText()));
      if (info.ok() && info.data().path("path").asText().startsWith("auth/" + mount + "/")) {
        found.add(accessor.asText());
      }
    }
    return found;
  }

  private VaultConfig.Builder builder() {
    return VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")));
  }

  @Test
  void jwtFile_isReadAtEveryLogin_soARotatedTokenIsUsed() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, valid("workload-one") + "\n");
    Login login = builder().jwt(mount, role, file).build().login();

    Login.Grant first = login.login(root.http());
    assertEquals("workload-one", subjectOf(first.token()));
    assertTrue(first.ttl().compareTo(Duration.ofMinutes(59)) > 0, first.toString());

    Files.writeString(file, valid("workload-two") + "\n");
    Login.Grant second = login.login(root.http());
    assertEquals("workload-two", subjectOf(second.token()), "the rotated file was not read");
  }

  @Test
  void uri_jwtLogin_readsSecrets_andLogsInAgainWithTheRotatedFileAfterRevoke() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, valid("uri-one"));
    String uri =
        "vault://"
            + URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")).getAuthority()
            + "?tls=false&auth=jwt&auth_mount="
            + mount
            + "&role="
            + role
            + "&jwt_file="
            + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8);
    try (Backend backend =
        new VaultBackendProvider().open(dev.strongroom.spi.OpenRequest.of(URI.create(uri)))) {
      assertTrue(backend.secrets().read(ReadRequest.current(secret)).isPresent());
      List<String> before = mountAccessors();
      assertEquals(1, before.size());
      Files.writeString(file, valid("uri-two"));
      VaultServers.root(
          root,
          "POST",
          "auth/token/revoke-accessor",
          VaultHttp.object().put("accessor", before.get(0)));

      assertTrue(backend.secrets().read(ReadRequest.current(secret)).isPresent());
      List<String> after = mountAccessors();
      assertEquals(1, after.size());
      JsonNode info =
          VaultServers.root(
                  root,
                  "POST",
                  "auth/token/lookup-accessor",
                  VaultHttp.object().put("accessor", after.get(0)))
              .data();
      assertEquals("uri-two", info.path("meta").path("subject").asText());
    }
  }

  @Test
  void supplier_isCalledAtEveryLogin() {
    AtomicInteger calls = new AtomicInteger();
    Login login =
        builder()
            .jwt(
                mount, role, () -> SecretValue.ofUtf8(valid("supplied-" + calls.incrementAndGet())))
            .build()
            .login();
    assertEquals("supplied-1", subjectOf(login.login(root.http()).token()));
    assertEquals("supplied-2", subjectOf(login.login(root.http()).token()));
  }

  @Test
  void wrongAudience_isRefusedTyped_namingMethodAndMount_neverTheJwt() throws Exception {
    String wrong = jwt("intruder", "another-audience", Instant.now().plusSeconds(600));
    assertRefused(wrong);
  }

  @Test
  void expiredJwt_isRefusedTyped_namingMethodAndMount_neverTheJwt() throws Exception {
    // Beyond OpenBao's default leeways (150 s expiration, 60 s clock skew).
    String expired = jwt("late", AUDIENCE, Instant.now().minus(Duration.ofHours(1)));
    assertRefused(expired);
  }

  @Test
  void otherIssuersKey_isRefused() throws Exception {
    String forged =
        Jwts.generate()
            .sign(ISSUER, AUDIENCE, "forger", Instant.now(), Instant.now().plusSeconds(600));
    assertRefused(forged);
  }

  private void assertRefused(String jwt) throws Exception {
    Path file = Files.writeString(dir.resolve("bad"), jwt);
    try (Backend backend = VaultBackendProvider.connect(builder().jwt(mount, role, file).build())) {
      AccessDeniedException e =
          assertThrows(
              AccessDeniedException.class,
              () -> backend.secrets().read(ReadRequest.current(secret)));
      assertTrue(e.getMessage().contains("jwt login refused at mount " + mount), e.getMessage());
      assertFalse(e.getMessage().contains(jwt), "the JWT leaked into the message");
      assertFalse(e.getMessage().contains(jwt.substring(jwt.lastIndexOf('.') + 1)));
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        assertFalse(String.valueOf(c.getMessage()).contains(jwt));
      }
    }
    assertTrue(mountAccessors().isEmpty(), "a refused JWT obtained a token");
  }
}
