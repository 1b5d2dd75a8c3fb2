/**
 * Strongroom core: the {@link dev.strongroom.Strongroom} room, secret values, envelope encryption,
 * leases, API keys, audit, and the backend SPI ({@link dev.strongroom.spi}).
 *
 * <p>Only the API and SPI packages are exported. The {@code dev.strongroom.internal} packages are
 * not part of the API; the two that the file backend builds on are exported to it by name only.
 * Optional at run time: {@code org.crac} (checkpoint hooks; {@code requires static}, so on the
 * module path it is used when it is in the module graph, e.g. {@code --add-modules org.crac}) and
 * Amazon Corretto Crypto Provider (AES-GCM, found by reflection when its class is visible).
 */
// "module": the qualified exports name a module compiled after this one; "requires-automatic":
// Tink is an automatic module (with a stable Automatic-Module-Name).
@SuppressWarnings({"module", "requires-automatic"})
module dev.strongroom.core {
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;
  requires com.google.crypto.tink;
  requires org.bouncycastle.provider;
  requires com.github.benmanes.caffeine;
  requires static org.crac;
  requires transitive org.jspecify;

  exports dev.strongroom;
  exports dev.strongroom.apikey;
  exports dev.strongroom.audit;
  exports dev.strongroom.env;
  exports dev.strongroom.envelope;
  exports dev.strongroom.exception;
  exports dev.strongroom.kek;
  exports dev.strongroom.lease;
  exports dev.strongroom.observe;
  exports dev.strongroom.review;
  exports dev.strongroom.signing;
  exports dev.strongroom.spi;
  exports dev.strongroom.internal.crypto to
      dev.strongroom.file;
  exports dev.strongroom.internal.retire to
      dev.strongroom.file;

  uses dev.strongroom.spi.BackendProvider;

  provides dev.strongroom.spi.BackendProvider with
      dev.strongroom.internal.memory.MemoryBackendProvider;
}
