package dev.strongroom.spi;

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
   * Opens the backend the request's URI names, on the request's clock, reading what the URI leaves
   * to the environment through {@link OpenRequest#environment(String)} only. Credentials never come
   * from the URI's user-info and never appear in logs or messages.
   *
   * @throws IllegalArgumentException if the URI is malformed for this scheme (the message names the
   *     problem, never a credential)
   */
  Backend open(OpenRequest request);
}
