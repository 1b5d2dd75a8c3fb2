/**
 * Strongroom's encrypted file backend ({@code file:} URIs), registered for {@link
 * java.util.ServiceLoader} as a {@link dev.strongroom.spi.BackendProvider}.
 *
 * <p>Exports {@code dev.strongroom.file} only; {@code dev.strongroom.file.internal} is not part of
 * the API.
 */
module dev.strongroom.file {
  requires transitive dev.strongroom.core;
  requires com.fasterxml.jackson.databind;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports dev.strongroom.file;

  provides dev.strongroom.spi.BackendProvider with
      dev.strongroom.file.FileBackendProvider;
}
