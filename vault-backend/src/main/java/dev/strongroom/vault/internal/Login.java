package dev.strongroom.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A way to obtain a Vault token: a given token, a token file (re-read on every login, as Vault
 * Agent rewrites it), AppRole, Kubernetes or JWT/OIDC. Implementations are immutable and
 * thread-safe.
 */
public interface Login {

  /** A token as granted: its TTL (zero: does not expire) and whether renew-self may extend it. */
  record Grant(SecretValue token, Duration ttl, boolean renewable) {
    /** Checks the fields. */
    public Grant {
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public String toString() {
      return "Grant[ttl=" + ttl + ", renewable=" + renewable + "]";
    }
  }

  /** Obtains a token. */
  Grant login(VaultHttp http);

  /** Whether logging in again can yield a different token. */
  boolean canRelogin();

  /**
   * The method's name for messages: {@code token}, {@code approle}, {@code kubernetes}, {@code
   * jwt}.
   */
  String method();

  /** The auth mount for messages, or empty for a token. */
  default String mount() {
    return "";
  }

  /** A fixed token; its TTL is looked up with {@code auth/token/lookup-self}. */
  static Login token(SecretValue token) {
    Objects.requireNonNull(token, "token");
    return new Login() {
      @Override
      public Grant login(VaultHttp http) {
        return lookup(http, token);
      }

      @Override
      public boolean canRelogin() {
        return false;
      }

      @Override
      public String method() {
        return "token";
      }
    };
  }

  /** A token read from {@code file} at every login (trailing whitespace trimmed). */
  static Login tokenFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new Login() {
      @Override
      public Grant login(VaultHttp http) {
        return lookup(http, readSecretFile(file));
      }

      @Override
      public boolean canRelogin() {
        return true;
      }

      @Override
      public String method() {
        return "token";
      }
    };
  }

  /** AppRole login at {@code auth/MOUNT/login}. */
  static Login appRole(String mount, SecretValue roleId, SecretValue secretId) {
    Objects.requireNonNull(mount, "mount");
    Objects.requireNonNull(roleId, "roleId");
    Objects.requireNonNull(secretId, "secretId");
    return new Login() {
      @Override
      public Grant login(VaultHttp http) {
        ObjectNode body = VaultHttp.object();
        body.put("role_id", roleId.copyUtf8String());
        body.put("secret_id", secretId.copyUtf8String());
        return post(http, mount, body, "approle");
      }

      @Override
      public boolean canRelogin() {
        return true;
      }

      @Override
      public String method() {
        return "approle";
      }

      @Override
      public String mount() {
        return mount;
      }
    };
  }

  /**
   * Kubernetes login at {@code auth/MOUNT/login} with the service account JWT in {@code jwtFile},
   * read again at every login (projected tokens rotate).
   */
  static Login kubernetes(String mount, String role, Path jwtFile) {
    Objects.requireNonNull(jwtFile, "jwtFile");
    return roleJwt("kubernetes", mount, role, () -> readSecretFile(jwtFile));
  }

  /**
   * JWT/OIDC login at {@code auth/MOUNT/login} as {@code role} with the JWT in {@code jwtFile},
   * read again at every login (projected and CI tokens rotate).
   */
  static Login jwt(String mount, String role, Path jwtFile) {
    Objects.requireNonNull(jwtFile, "jwtFile");
    return roleJwt("jwt", mount, role, () -> readSecretFile(jwtFile));
  }

  /**
   * JWT/OIDC login at {@code auth/MOUNT/login} as {@code role} with a JWT from {@code jwt}, called
   * at every login; the value it returns is closed after use.
   */
  static Login jwt(String mount, String role, Supplier<SecretValue> jwt) {
    return roleJwt("jwt", mount, role, jwt);
  }

  private static Login roleJwt(
      String method, String mount, String role, Supplier<SecretValue> source) {
    Objects.requireNonNull(mount, "mount");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(source, "jwt");
    return new Login() {
      @Override
      public Grant login(VaultHttp http) {
        ObjectNode body = VaultHttp.object();
        body.put("role", role);
        SecretValue jwt;
        try {
          jwt = source.get();
        } catch (AccessDeniedException e) {
          throw new AccessDeniedException(
              "vault " + method + " login at mount " + mount + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          throw new AccessDeniedException(
              "vault "
                  + method
                  + " login at mount "
                  + mount
                  + ": the JWT supplier failed ("
                  + e.getClass().getSimpleName()
                  + ")",
              e);
        }
        if (jwt == null) {
          throw new AccessDeniedException(
              "vault " + method + " login at mount " + mount + ": the JWT supplier returned null");
        }
        try (jwt) {
          body.put("jwt", jwt.copyUtf8String());
        }
        return post(http, mount, body, method);
      }

      @Override
      public boolean canRelogin() {
        return true;
      }

      @Override
      public String method() {
        return method;
      }

      @Override
      public String mount() {
        return mount;
      }
    };
  }

  private static Grant post(VaultHttp http, String mount, ObjectNode body, String method) {
    VaultHttp.Response response = http.exchange("POST", "auth/" + mount + "/login", body, null);
    JsonNode auth = response.body().path("auth");
    if (!response.ok() || !auth.path("client_token").isTextual()) {
      throw new AccessDeniedException(
          "vault "
              + method
              + " login refused at mount "
              + mount
              + ": HTTP "
              + response.status()
              + " with "
              + response.errorCount()
              + " error(s)");
    }
    return new Grant(
        SecretValue.ofUtf8(auth.path("client_token").asText()),
        Duration.ofSeconds(auth.path("lease_duration").asLong()),
        auth.path("renewable").asBoolean());
  }

  private static Grant lookup(VaultHttp http, SecretValue token) {
    VaultHttp.Response response = http.exchange("GET", "auth/token/lookup-self", null, token);
    if (!response.ok()) {
      // Let requests fail with the server's own answer; nothing to renew.
      return new Grant(token, Duration.ZERO, false);
    }
    JsonNode data = response.data();
    return new Grant(
        token, Duration.ofSeconds(data.path("ttl").asLong()), data.path("renewable").asBoolean());
  }

  /** Reads a credential file; the message names the file, never its content. */
  static SecretValue readSecretFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new AccessDeniedException("cannot read credential file " + file, e);
    }
    int end = bytes.length;
    while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
      end--;
    }
    try {
      return SecretValue.of(Arrays.copyOf(bytes, end));
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
