/**
 * Test helpers for services that use Strongroom and for authors of backends: {@link
 * dev.strongroom.testing.TestBackends}, {@link dev.strongroom.testing.FaultyBackend}, {@link
 * dev.strongroom.testing.TestClock} and the backend contract suites {@link
 * dev.strongroom.testing.SecretStoreContract} and {@link
 * dev.strongroom.testing.KeyEncryptionServiceContract}.
 */
package dev.strongroom.testing;
