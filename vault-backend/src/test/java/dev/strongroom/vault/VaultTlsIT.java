package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.WriteRequest;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with the CA that signed the OpenBao TLS server's certificate, and without it. */
class VaultTlsIT {
  @TempDir Path dir;

  @Test
  void customCa_isTrusted() {
    String name = VaultServers.unique("it-tls") + "/s";
    try (Backend backend =
        VaultBackendProvider.connect(
            VaultServers.tls()
                .caFile(Path.of(VaultServers.env("STRONGROOM_VAULT_CA_FILE")))
                .build())) {
      backend
          .secrets()
          .write(new WriteRequest(name, SecretValue.ofUtf8("over tls"), Stage.CURRENT, 0));
      assertEquals(
          "over tls",
          backend.secrets().read(ReadRequest.current(name)).orElseThrow().value().copyUtf8String());
      backend.secrets().destroy(DestroyRequest.all(name));
    }
  }

  @Test
  void vaultUri_withCaFileAndTokenFile_opensThroughServiceLoader() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, VaultServers.env("STRONGROOM_VAULT_TLS_TOKEN") + "\n");
    URI address = URI.create(VaultServers.env("STRONGROOM_VAULT_TLS_ADDR"));
    URI uri =
        URI.create(
            "vault://127.0.0.1:"
                + address.getPort()
                + "?ca_file="
                + VaultServers.env("STRONGROOM_VAULT_CA_FILE")
                + "&token_file="
                + tokenFile);
    BackendProvider provider =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.scheme().equals("vault"))
            .findFirst()
            .orElseThrow();
    try (Backend backend = provider.open(dev.strongroom.spi.OpenRequest.of(uri))) {
      assertTrue(backend.secrets().read(ReadRequest.current("no/such/secret")).isEmpty());
    }
  }

  @Test
  void jdkTrustStore_refusesSelfSignedServer() {
    try (Backend backend = VaultBackendProvider.connect(VaultServers.tls().build())) {
      BackendUnavailableException e =
          assertThrows(
              BackendUnavailableException.class,
              () -> backend.secrets().read(ReadRequest.current("x")));
      assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
    }
  }

  @Test
  void otherCa_isRefused() throws Exception {
    Path other = dir.resolve("other-ca.pem");
    Files.writeString(other, pem(anyJdkCa()), StandardCharsets.US_ASCII);
    try (Backend backend = VaultBackendProvider.connect(VaultServers.tls().caFile(other).build())) {
      assertThrows(
          BackendUnavailableException.class,
          () -> backend.secrets().read(ReadRequest.current("x")));
    }
  }

  private static Certificate anyJdkCa() throws Exception {
    KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
    Path file = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    try (InputStream in = Files.newInputStream(file)) {
      cacerts.load(in, null);
    }
    String alias = cacerts.aliases().nextElement();
    return cacerts.getCertificate(alias);
  }

  private static String pem(Certificate cert) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
