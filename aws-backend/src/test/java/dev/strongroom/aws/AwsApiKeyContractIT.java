package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ApiKeyContract;
import org.junit.jupiter.api.BeforeEach;

/**
 * Core's {@link ApiKeyContract} on the shared moto server (Secrets Manager for the key records, KMS
 * for the pepper's KEK): each test gets a fresh namespace (secret prefix and KMS alias), and every
 * room of the test opens its own backend in it, as a second process would.
 */
class AwsApiKeyContractIT extends ApiKeyContract {
  private String ns;

  @BeforeEach
  void namespace() {
    ns = MotoServers.namespace();
  }

  @Override
  protected Backend newBackend() {
    return MotoServers.open(ns);
  }
}
