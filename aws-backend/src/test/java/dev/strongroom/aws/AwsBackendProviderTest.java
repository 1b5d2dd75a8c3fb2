package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import java.net.URI;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AwsBackendProviderTest {
  @Test
  void serviceLoader_findsAwsScheme() {
    long found =
        ServiceLoader.load(BackendProvider.class).stream()
            .filter(p -> p.get().scheme().equals("aws"))
            .count();
    assertEquals(1, found);
  }

  @Test
  void open_withRegionAndEndpoint_needsNoNetwork() {
    try (Backend backend =
        new AwsBackendProvider()
            .open(
                dev.strongroom.spi.OpenRequest.of(
                    URI.create("aws:?region=us-east-1&endpoint=http://127.0.0.1:1")))) {
      assertNotNull(backend.secrets());
      assertNotNull(backend.keys());
    }
  }

  @Test
  void open_malformedUri_illegalArgument() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AwsBackendProvider()
                .open(dev.strongroom.spi.OpenRequest.of(URI.create("aws:?nope=1"))));
  }
}
