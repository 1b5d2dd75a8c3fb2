package dev.strongroom.internal.room;

import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Backend URIs for the room's builder: parsing ({@code memory:} means {@code memory:default}) and
 * opening through {@link ServiceLoader}, with the URI's user-info redacted from any message.
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class Backends {
  private static final Pattern BARE_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

  private Backends() {}

  /** Parses a backend URI; a bare {@code scheme:} means {@code scheme:default}. */
  public static URI parseUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      if (BARE_SCHEME.matcher(uri).matches()) {
        return new URI(uri + "default"); // java.net.URI rejects a bare "memory:"
      }
      return new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "expected a backend URI such as memory: or vault://host:8200 but it was malformed ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + ")");
    }
  }

  /** Opens the backend {@code uri} names, found by scheme with {@link ServiceLoader}. */
  public static Backend open(URI uri) {
    return open(OpenRequest.of(Objects.requireNonNull(uri, "uri")));
  }

  /** Opens the backend the request's URI names, found by scheme with {@link ServiceLoader}. */
  public static Backend open(OpenRequest request) {
    URI uri = request.uri();
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException(
          "expected a backend URI with a scheme such as memory: or file: but it had none");
    }
    TreeSet<String> known = new TreeSet<>();
    for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
      known.add(provider.scheme());
      if (provider.scheme().equalsIgnoreCase(scheme)) {
        try {
          return provider.open(request);
        } catch (IllegalArgumentException e) {
          throw redacted(e, uri);
        }
      }
    }
    throw new IllegalArgumentException(
        "expected a backend URI scheme in " + known + " but was '" + scheme + "'");
  }

  private static IllegalArgumentException redacted(IllegalArgumentException e, URI uri) {
    String message = String.valueOf(e.getMessage());
    String raw = uri.getRawUserInfo();
    String decoded = uri.getUserInfo();
    if (raw == null
        || (!message.contains(raw) && (decoded == null || !message.contains(decoded)))) {
      return e;
    }
    message = message.replace(raw, "***");
    if (decoded != null) {
      message = message.replace(decoded, "***");
    }
    return new IllegalArgumentException(message); // no cause: it repeats the credential
  }
}
