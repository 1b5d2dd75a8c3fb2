package dev.strongroom.internal.memory;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;

/**
 * Opens {@code memory:} URIs: every call returns a new, empty {@link MemoryBackend}. Found through
 * {@link java.util.ServiceLoader}.
 *
 * <p>Thread-safe and stateless.
 */
public final class MemoryBackendProvider implements BackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MemoryBackendProvider() {}

  @Override
  public String scheme() {
    return "memory";
  }

  @Override
  public Backend open(OpenRequest request) {
    URI uri = request.uri();
    if (!"memory".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected a memory: URI but the scheme was " + uri.getScheme());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("expected no user-info in a memory: URI");
    }
    return MemoryBackend.create(request.clock());
  }
}
