package dev.strongroom.vault;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ListenerOrderingPropertiesTest;
import dev.strongroom.testkit.MutableClock;

/**
 * Issue 16: core's listener-ordering properties and examples on the real OpenBao dev server (KV
 * v2), two rooms on one server as two instances of a service; each try watches a fresh secret.
 */
class VaultListenerOrderingIT extends ListenerOrderingPropertiesTest {
  @Override
  protected Backend backend(MutableClock clock) {
    return VaultServers.devBackend();
  }

  @Override
  protected String secretName() {
    return VaultServers.unique("listener-ordering") + "/key";
  }
}
