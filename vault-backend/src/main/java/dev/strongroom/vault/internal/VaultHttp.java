package dev.strongroom.vault.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault's HTTP API over {@link HttpClient}: JSON in and out, the token and namespace headers, one
 * retry loop for every endpoint, and one re-login when the token was refused.
 *
 * <p>Design: {@link #send} returns every answer below 500 (except 429) to the caller, which maps
 * the statuses it expects; 5xx, 429, a standby's 307/308 and connection errors are retried with
 * capped, jittered exponential backoff until the attempts or the call's deadline run out, then fail
 * with {@link BackendUnavailableException}. TLS handshake failures are not retried. A 403 on a
 * token that a login method can replace triggers one re-login and one more try. Exception messages
 * and log lines name the method, path, status and the number of errors Vault reported, never a
 * response body, a request body or the token.
 *
 * <p>Thread-safe.
 */
public final class VaultHttp {
  private static final Logger log = LoggerFactory.getLogger(VaultHttp.class);
  static final ObjectMapper JSON = new ObjectMapper();

  private final Transport transport;
  private final HttpClient client;
  private final String base;
  private volatile TokenManager tokens;

  /** A client for {@code transport}; {@link #useTokens} must be called before {@link #send}. */
  public VaultHttp(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(transport.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
    if ("https".equalsIgnoreCase(transport.address().getScheme())) {
      builder.sslContext(Tls.context(transport.caFile())).sslParameters(Tls.parameters());
    }
    this.client = builder.build();
    String address = transport.address().toString();
    this.base = (address.endsWith("/") ? address : address + "/") + "v1/";
  }

  /** Sets the token source used by {@link #send}. */
  public void useTokens(TokenManager tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** The transport settings. */
  public Transport transport() {
    return transport;
  }

  /** A fresh JSON object for request bodies. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** A Vault answer: status and parsed JSON body (a null node if empty or not JSON). */
  public record Response(int status, JsonNode body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The {@code data} object, or a missing node. */
    public JsonNode data() {
      return body.path("data");
    }

    /** How many errors Vault listed. */
    public int errorCount() {
      JsonNode errors = body.path("errors");
      return errors.isArray() ? errors.size() : 0;
    }

    /** Whether one of Vault's error strings contains {@code fragment}; for classification only. */
    public boolean errorContains(String fragment) {
      for (JsonNode error : body.path("errors")) {
        if (error.asText().contains(fragment)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Sends with the current token, re-logging in once if the token is refused. */
  public Response send(String method, String path, ObjectNode body) {
    TokenManager manager = Objects.requireNonNull(tokens, "tokens");
    SecretValue token = manager.token(this);
    Response response = exchange(method, path, body, token);
    if (response.status() == 403 && manager.relogin(this, token)) {
      log.debug("vault {} {}: token refused, logged in again", method, path);
      response = exchange(method, path, body, manager.token(this));
    }
    return response;
  }

  /** Sends {@code method path} and expects 2xx; maps anything else with {@link #failure}. */
  public Response expectOk(String method, String path, ObjectNode body) {
    Response response = send(method, path, body);
    if (!response.ok()) {
      throw failure(method, path, response);
    }
    return response;
  }

  /**
   * One call with retries, with {@code token} (or none when null); for login and renewal requests
   * that must not re-login.
   */
  public Response exchange(String method, String path, ObjectNode body, SecretValue token) {
    byte[] payload = body == null ? null : toBytes(body);
    Instant deadline = transport.clock().instant().plus(transport.deadline());
    Response last = null;
    IOException lastError = null;
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        HttpResponse<byte[]> answer =
            client.send(
                request(method, path, payload, token),
                BoundedBody.handler(transport.maxResponseBytes()));
        Response response = new Response(answer.statusCode(), parse(answer.body()));
        log.trace("vault {} {} -> {} (attempt {})", method, path, response.status(), attempt);
        if (!retryable(response.status())) {
          return response;
        }
        last = response;
        lastError = null;
      } catch (SSLException e) {
        throw new BackendUnavailableException(
            "vault " + method + " " + path + ": TLS handshake failed", e);
      } catch (IOException e) {
        if (BoundedBody.tooLarge(e)) {
          throw new StrongroomException(
              "vault "
                  + method
                  + " "
                  + path
                  + ": the response body is over "
                  + transport.maxResponseBytes()
                  + " bytes (the bound set by max_response_bytes / maxResponseBytes)");
        }
        if (e.getCause() instanceof SSLException) {
          throw new BackendUnavailableException(
              "vault " + method + " " + path + ": TLS handshake failed", e);
        }
        log.trace(
            "vault {} {} failed: {} (attempt {})", method, path, e.getClass().getName(), attempt);
        last = null;
        lastError = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendUnavailableException("vault " + method + " " + path + ": interrupted", e);
      }
      java.time.Duration delay = transport.backoff().delay(attempt);
      if (attempt >= transport.maxAttempts()
          || transport.clock().instant().plus(delay).isAfter(deadline)) {
        break;
      }
      log.debug("vault {} {}: retrying in {} ms", method, path, delay.toMillis());
      try {
        transport.sleeper().sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendUnavailableException("vault " + method + " " + path + ": interrupted", e);
      }
    }
    String what = "vault " + method + " " + path + ": ";
    String outcome =
        last != null
            ? "HTTP " + last.status() + " with " + last.errorCount() + " error(s)"
            : "connection failed (" + lastError.getClass().getSimpleName() + ")";
    String message = what + outcome + " after " + attempt + " attempt(s)";
    if (last != null && last.status() == 429) {
      throw new dev.strongroom.exception.BackendThrottledException(message, lastError);
    }
    throw new BackendUnavailableException(message, lastError);
  }

  /**
   * The exception for an unexpected answer: 403 access denied, 404 not found, 5xx unavailable,
   * anything else a generic failure. Never includes the body.
   */
  public static StrongroomException failure(String method, String path, Response response) {
    String message =
        "vault "
            + method
            + " "
            + path
            + ": HTTP "
            + response.status()
            + " with "
            + response.errorCount()
            + " error(s)";
    int status = response.status();
    if (status == 401 || status == 403) {
      return new AccessDeniedException(message);
    }
    if (status == 404) {
      return new NotFoundException(message);
    }
    if (status == 429) {
      return new dev.strongroom.exception.BackendThrottledException(message);
    }
    if (retryable(status)) {
      return new BackendUnavailableException(message);
    }
    return new StrongroomException(message);
  }

  /** Percent-encodes each segment of a slash-separated name for a URL path. */
  public static String encodePath(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (String segment : name.split("/", -1)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  private HttpRequest request(String method, String path, byte[] payload, SecretValue token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(transport.requestTimeout())
            .header("Accept", "application/json");
    if (token != null) {
      builder.header("X-Vault-Token", token.copyUtf8String());
    }
    if (transport.namespace() != null) {
      builder.header("X-Vault-Namespace", transport.namespace());
    }
    if (payload != null) {
      // KV v2 takes PATCH bodies as JSON merge patches only
      builder.header(
          "Content-Type",
          "PATCH".equals(method) ? "application/merge-patch+json" : "application/json");
    }
    // LIST is Vault's own verb; the JDK accepts any token as a method name.
    builder.method(
        method,
        payload == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(payload));
    return builder.build();
  }

  /**
   * 5xx, 429, and 307/308: a raft standby whose active node is gone cannot forward and redirects to
   * the old leader. Redirects are never followed (the token would go to another address); the
   * standby forwards again once a new leader is elected.
   */
  private static boolean retryable(int status) {
    return status >= 500 || status == 429 || standbyRedirect(status);
  }

  private static boolean standbyRedirect(int status) {
    return status == 307 || status == 308;
  }

  private static byte[] toBytes(ObjectNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serialises; keep no message that could quote a value.
      throw new IllegalStateException("expected a serialisable JSON body");
    }
  }

  /** Parses a body; Jackson's parse errors quote the input, so they are dropped, not chained. */
  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return NullNode.getInstance();
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? NullNode.getInstance() : node;
    } catch (IOException e) {
      return NullNode.getInstance();
    }
  }
}
