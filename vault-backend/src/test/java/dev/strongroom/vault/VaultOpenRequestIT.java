package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Vault backend reads its token through the {@link OpenRequest} (issue 15), against the real
 * OpenBao: a wrong token in the request's environment is refused although the process's environment
 * (sourced from servers.env) holds the right one, and a token supplied from code works with an
 * empty environment.
 */
class VaultOpenRequestIT {
  private static URI uri() {
    return URI.create(
        "vault://"
            + VaultServers.env("STRONGROOM_VAULT_ADDR").replaceFirst("^https?://", "")
            + "?tls=false");
  }

  @Test
  void token_comesFromTheRequest_notFromTheProcessEnvironment() {
    VaultServers.devBackend().close(); // Transit key "default" exists
    String token = VaultServers.env("STRONGROOM_VAULT_TOKEN"); // the process has the right one
    OpenRequest wrong =
        OpenRequest.builder(uri())
            .environment(Map.of("STRONGROOM_VAULT_TOKEN", "s.not-a-real-token"))
            .build();
    try (Backend backend = new VaultBackendProvider().open(wrong)) {
      assertThrows(AccessDeniedException.class, () -> backend.keys().describe("default"));
    }

    OpenRequest supplied =
        OpenRequest.builder(uri())
            .environment(Map.of())
            .credential("STRONGROOM_VAULT_TOKEN", () -> SecretValue.ofUtf8(token))
            .build();
    try (Backend backend = new VaultBackendProvider().open(supplied)) {
      assertEquals("default", backend.keys().describe("default").name());
    }
  }
}
