package dev.strongroom.spi;

import java.net.URI;

/**
 * Opens backends for one URI scheme ({@code memory}, {@code file}, {@code vault}, {@code aws}).
 * Found with {@link java.util.ServiceLoader}: a backend jar lists its provider in {@code
 * META-INF/services/dev.strongroom.spi.BackendProvider}.
 *
 * <p>Implementations must be thread-safe and stateless.
 */
public interface BackendProvider {

  /** The URI scheme this provider opens, lower case. */
  String scheme();

  /**
   * Opens the backend {@code uri} names. Credentials never come from the URI's user-info in logs or
   * messages.
   *
   * @throws IllegalArgumentException if the URI is malformed for this scheme (the message names the
   *     problem, never a credential)
   */
  Backend open(URI uri);
}
