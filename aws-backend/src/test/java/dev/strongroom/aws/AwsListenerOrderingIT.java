package dev.strongroom.aws;

import dev.strongroom.spi.Backend;
import dev.strongroom.testkit.ListenerOrderingPropertiesTest;
import dev.strongroom.testkit.MutableClock;

/**
 * Issue 16: core's listener-ordering properties and examples on moto's Secrets Manager, two rooms
 * on one server as two instances of a service; each try in a fresh secret prefix.
 */
class AwsListenerOrderingIT extends ListenerOrderingPropertiesTest {
  @Override
  protected Backend backend(MutableClock clock) {
    return MotoServers.open(MotoServers.namespace());
  }
}
