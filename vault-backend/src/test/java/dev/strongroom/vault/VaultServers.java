package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.vault.internal.VaultBackend;
import dev.strongroom.vault.internal.VaultHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real servers the integration tests use, from the environment that {@code scripts/servers}
 * writes ({@code source ~/.cache/strongroom/state/servers.env}). A missing variable fails the test
 * with a message saying how to start the servers; tests never start servers themselves.
 */
final class VaultServers {
  private VaultServers() {}

  static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      String ci = "true".equals(System.getenv("CI")) ? "CI=true and " : "";
      fail(
          ci
              + name
              + " is not set: run scripts/servers/all.sh up and"
              + " `source ~/.cache/strongroom/state/servers.env` before Maven (or -DskipITs)");
    }
    return value;
  }

  static VaultConfig.Builder dev() {
    return VaultConfig.builder(URI.create(env("STRONGROOM_VAULT_ADDR")))
        .token(SecretValue.ofUtf8(env("STRONGROOM_VAULT_TOKEN")));
  }

  /**
   * A client of the dev server, with the Transit key {@code default} created if missing: the
   * explicit initialisation rooms need, as nothing creates a key implicitly.
   */
  static VaultBackend devBackend() {
    VaultBackend backend = (VaultBackend) VaultBackendProvider.connect(dev().build());
    try {
      backend.keys().describe("default");
    } catch (dev.strongroom.exception.NotFoundException e) {
      try {
        backend.keys().createKey("default");
      } catch (dev.strongroom.exception.ConflictException raced) {
        // another client created it first
      }
    }
    return backend;
  }

  static VaultConfig.Builder persistent() {
    return VaultConfig.builder(URI.create(env("STRONGROOM_VAULT_PERSISTENT_ADDR")))
        .token(SecretValue.ofUtf8(env("STRONGROOM_VAULT_PERSISTENT_TOKEN")));
  }

  static VaultConfig.Builder tls() {
    return VaultConfig.builder(URI.create(env("STRONGROOM_VAULT_TLS_ADDR")))
        .token(SecretValue.ofUtf8(env("STRONGROOM_VAULT_TLS_TOKEN")));
  }

  /** A name no other test run uses. */
  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Sends an admin request with the root token and expects 2xx. */
  static VaultHttp.Response root(VaultBackend root, String method, String path, ObjectNode body) {
    VaultHttp.Response response = root.http().send(method, path, body);
    assertTrue(response.ok(), method + " " + path + " -> " + response.status());
    return response;
  }

  /** Accessors of the live tokens that AppRole role {@code role} logged in. */
  static List<String> roleAccessors(VaultBackend root, String role) {
    List<String> found = new ArrayList<>();
    for (JsonNode accessor : root(root, "LIST", "auth/token/accessors", null).data().path("keys")) {
      VaultHttp.Response info =
          root.http()
              .send(
                  "POST",
                  "auth/token/lookup-accessor",
                  VaultHttp.object().put("accessor", accessor.asText()));
      if (info.ok() && role.equals(info.data().path("meta").path("role_name").asText())) {
        found.add(accessor.asText());
      }
    }
    return found;
  }

  /** Runs {@code scripts/servers/openbao.sh ARGS}; fails the test unless it exits 0. */
  static void openbao(String... args) throws IOException, InterruptedException {
    String scripts = System.getProperty("strongroom.it.scripts", "../scripts/servers");
    String[] command = new String[args.length + 1];
    command[0] = Path.of(scripts, "openbao.sh").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(process.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS), "timeout");
    assertEquals(0, process.exitValue(), "openbao.sh " + String.join(" ", args));
  }
}
