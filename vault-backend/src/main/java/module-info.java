/**
 * Strongroom's OpenBao / HashiCorp Vault backend ({@code vault:} URIs), registered for {@link
 * java.util.ServiceLoader} as a {@link dev.strongroom.spi.BackendProvider}.
 *
 * <p>Exports {@code dev.strongroom.vault} only; {@code dev.strongroom.vault.internal} is not part
 * of the API.
 */
module dev.strongroom.vault {
  requires transitive dev.strongroom.core;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires org.slf4j;

  exports dev.strongroom.vault;

  provides dev.strongroom.spi.BackendProvider with
      dev.strongroom.vault.VaultBackendProvider;
}
