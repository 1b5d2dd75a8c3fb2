package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes login against OpenBao's real kubernetes auth method. OpenBao calls the Kubernetes
 * TokenReview API; the test serves a minimal stand-in of that one endpoint, which authenticates
 * only the service account tokens the test registers.
 */
class VaultKubernetesAuthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REVIEWER = "reviewer-jwt-for-openbao";
  private static final String NAMESPACE = "payments";
  private static final String ACCOUNT = "ledger";
  private static final String UID = "7c0d3a52-0000-4000-8000-000000000001";
  @TempDir Path dir;
  private final Jwts jwts = Jwts.generate();
  private final Set<String> authenticated = ConcurrentHashMap.newKeySet();
  private final List<String> reviews = new CopyOnWriteArrayList<>();
  private HttpServer kubernetes;
  private VaultBackend root;
  private String mount;
  private String policy;
  private String secret;

  @BeforeEach
  void setUp() throws Exception {
    kubernetes = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    kubernetes.createContext(
        "/apis/authentication.k8s.io/v1/tokenreviews",
        exchange -> {
          try (exchange) {
            JsonNode review = JSON.readTree(exchange.getRequestBody());
            String bearer = exchange.getRequestHeaders().getFirst("Authorization");
            String token = review.path("spec").path("token").asText();
            reviews.add(exchange.getRequestMethod() + " " + bearer);
            int status;
            String answer;
            if (!"POST".equals(exchange.getRequestMethod())
                || !("Bearer " + REVIEWER).equals(bearer)) {
              status = 401;
              answer =
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                      + "\"reason\":\"Unauthorized\",\"code\":401}";
            } else if (authenticated.contains(token)) {
              status = 201;
              ObjectNode out =
                  JSON.createObjectNode()
                      .put("apiVersion", "authentication.k8s.io/v1")
                      .put("kind", "TokenReview");
              ObjectNode st = out.putObject("status").put("authenticated", true);
              st.putObject("user")
                  .put("username", "system:serviceaccount:" + NAMESPACE + ":" + ACCOUNT)
                  .put("uid", UID);
              st.set("audiences", review.path("spec").path("audiences"));
              answer = out.toString();
            } else {
              status = 201;
              answer =
                  "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                      + "\"status\":{\"authenticated\":false,\"error\":\"token revoked\"}}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    kubernetes.start();

    root = VaultServers.devBackend();
    mount = VaultServers.unique("it-k8s");
    policy = VaultServers.unique("it-k8s-policy");
    secret = VaultServers.unique("it-k8s") + "/s";
    VaultServers.root(
        root,
        "PUT",
        "sys/policies/acl/" + policy,
        VaultHttp.object().put("policy", "path \"secret/data/*\" { capabilities = [\"read\"] }"));
    VaultServers.root(
        root, "POST", "sys/auth/" + mount, VaultHttp.object().put("type", "kubernetes"));
    VaultServers.root(
        root,
        "POST",
        "auth/" + mount + "/config",
        VaultHttp.object()
            .put("kubernetes_host", "http://127.0.0.1:" + kubernetes.getAddress().getPort())
            .put("token_reviewer_jwt", REVIEWER)
            .put("disable_local_ca_jwt", true)
            .put("kubernetes_ca_cert", selfSignedCaPem()));
    ObjectNode role = VaultHttp.object().put("token_ttl", "1h");
    role.putArray("bound_service_account_names").add(ACCOUNT);
    role.putArray("bound_service_account_namespaces").add(NAMESPACE);
    role.putArray("token_policies").add(policy);
    VaultServers.root(root, "POST", "auth/" + mount + "/role/ledger", role);
    root.secrets()
        .write(
            new WriteRequest(
                secret, SecretValue.ofUtf8("v"), Stage.CURRENT, WriteRequest.ANY_VERSION));
  }

  @AfterEach
  void tearDown() {
    try {
      VaultServers.root(root, "DELETE", "sys/auth/" + mount, null);
      VaultServers.root(root, "DELETE", "sys/policies/acl/" + policy, null);
    } finally {
      kubernetes.stop(0);
    }
  }

  /**
   * A throwaway self-signed certificate made with the JDK's keytool: OpenBao requires a CA once
   * {@code disable_local_ca_jwt} is set, although the stand-in speaks plain http on loopback.
   */
  private String selfSignedCaPem() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve("ca.p12");
    run(
        keytool.toString(),
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=kubernetes-standin",
        "-validity",
        "1",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        "changeit",
        "-noprompt");
    Path pem = dir.resolve("ca.pem");
    run(
        keytool.toString(),
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        store.toString(),
        "-storepass",
        "changeit",
        "-file",
        pem.toString());
    return Files.readString(pem);
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
  }

  private String serviceAccountJwt(String namespace, String account) {
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", "kubernetes/serviceaccount")
            .put("sub", "system:serviceaccount:" + namespace + ":" + account)
            .put("kubernetes.io/serviceaccount/namespace", namespace)
            .put("kubernetes.io/serviceaccount/service-account.name", account)
            .put("kubernetes.io/serviceaccount/service-account.uid", UID)
            .put("iat", Instant.now().minusSeconds(60).getEpochSecond())
            .put("nbf", Instant.now().minusSeconds(60).getEpochSecond())
            .put("exp", Instant.now().plusSeconds(600).getEpochSecond());
    return jwts.sign(claims);
  }

  private VaultConfig config(Path jwtFile, String role) {
    return VaultConfig.builder(URI.create(VaultServers.env("STRONGROOM_VAULT_ADDR")))
        .kubernetes(mount, role, jwtFile)
        .build();
  }

  @Test
  void reviewedServiceAccount_logsIn_andReadsSecrets() throws Exception {
    String jwt = serviceAccountJwt(NAMESPACE, ACCOUNT);
    authenticated.add(jwt);
    Path file = Files.writeString(dir.resolve("token"), jwt + "\n");
    try (Backend backend = VaultBackendProvider.connect(config(file, "ledger"))) {
      assertTrue(backend.secrets().read(ReadRequest.current(secret)).isPresent());
    }
    assertEquals(List.of("POST Bearer " + REVIEWER), reviews, "OpenBao asked the stand-in once");
  }

  @Test
  void refusedReview_failsTyped_namingMethodAndMount_neverTheJwt() throws Exception {
    String jwt = serviceAccountJwt(NAMESPACE, ACCOUNT); // not registered: review says no
    Path file = Files.writeString(dir.resolve("token"), jwt);
    try (Backend backend = VaultBackendProvider.connect(config(file, "ledger"))) {
      AccessDeniedException e =
          assertThrows(
              AccessDeniedException.class,
              () -> backend.secrets().read(ReadRequest.current(secret)));
      assertTrue(
          e.getMessage().contains("kubernetes login refused at mount " + mount), e.getMessage());
      assertFalse(e.getMessage().contains(jwt));
    }
    assertEquals(1, reviews.size(), "the refusal came from the TokenReview");
  }

  @Test
  void serviceAccountOutsideTheRoleBinding_isRefusedBeforeReview() throws Exception {
    String jwt = serviceAccountJwt("other-namespace", ACCOUNT);
    authenticated.add(jwt);
    Path file = Files.writeString(dir.resolve("token"), jwt);
    try (Backend backend = VaultBackendProvider.connect(config(file, "ledger"))) {
      assertThrows(
          AccessDeniedException.class, () -> backend.secrets().read(ReadRequest.current(secret)));
    }
  }
}
