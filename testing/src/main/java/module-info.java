/**
 * Strongroom's test helpers for users: {@link dev.strongroom.testing.TestBackends} (the {@code
 * memory:} backend), {@link dev.strongroom.testing.FaultyBackend} (injected latency and failures),
 * {@link dev.strongroom.testing.TestClock}, and the backend contract suites {@link
 * dev.strongroom.testing.SecretStoreContract} and {@link
 * dev.strongroom.testing.KeyEncryptionServiceContract}. Meant for test scope.
 */
module dev.strongroom.testing {
  requires transitive dev.strongroom.core;
  requires transitive org.junit.jupiter.api;
  requires com.fasterxml.jackson.databind;

  exports dev.strongroom.testing;

  uses dev.strongroom.spi.BackendProvider;
}
