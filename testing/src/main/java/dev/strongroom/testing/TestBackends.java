package dev.strongroom.testing;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Backends for tests: a new, empty {@code memory:} backend (secrets, a Tink keyring and leases, all
 * in memory) on the clock you give. Stateless and thread-safe; each backend is thread-safe.
 */
public final class TestBackends {
  private TestBackends() {}

  /** A new, empty in-memory backend on the system UTC clock. */
  public static Backend memory() {
    return memory(Clock.systemUTC());
  }

  /**
   * A new, empty in-memory backend whose versions, leases and key timestamps follow {@code clock}
   * (a {@link TestClock}, typically). Give it to {@code Strongroom.builder().backend(...)}.
   */
  public static Backend memory(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
      if (provider.scheme().equals("memory")) {
        return provider.open(
            OpenRequest.builder(URI.create("memory:default"))
                .clock(clock)
                .environment(Map.of())
                .build());
      }
    }
    throw new IllegalStateException("expected strongroom-core's memory: provider to be visible");
  }
}
