package dev.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.ReadRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 9: the Vault client bounds what it reads from the server, and sends a token over
 * plain http only to a loopback address unless told otherwise.
 */
class VaultClientBoundsTest {
  private static final String TOKEN = "s.canary-bounds-token";

  /** A server that answers every request with a JSON body of {@code size} bytes, streamed. */
  private static HttpServer hugeBodyServer(long size, boolean declareLength, AtomicLong written)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, declareLength ? size : 0);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            try (OutputStream out = exchange.getResponseBody()) {
              for (long sent = 0; sent < size; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
                written.addAndGet(Math.min(chunk.length, size - sent));
                chunk[0] = ' ';
              }
            } catch (IOException e) {
              // The client hung up: exactly what a bounded client does.
            }
          }
        });
    server.start();
    return server;
  }

  private static Backend open(HttpServer server, long maxResponseBytes) {
    return VaultBackendProvider.connect(
        VaultConfig.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .token(SecretValue.ofUtf8(TOKEN))
            .maxAttempts(1)
            .maxResponseBytes(maxResponseBytes)
            .build());
  }

  @Test
  void responseOverTheBound_chunked_failsTypedWithoutReadingItAll() throws IOException {
    AtomicLong written = new AtomicLong();
    long size = 200L * 1024 * 1024;
    HttpServer server = hugeBodyServer(size, false, written);
    try (Backend backend = open(server, 1024 * 1024)) {
      StrongroomException e =
          assertThrows(
              StrongroomException.class, () -> backend.secrets().read(ReadRequest.current("big")));
      assertTrue(e.getMessage().contains("1048576"), e.getMessage());
      assertTrue(e.getMessage().contains("max_response_bytes"), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN));
    } finally {
      server.stop(0);
    }
    assertTrue(written.get() < size, "the client read the whole body: " + written.get());
  }

  @Test
  void responseOverTheBound_declaredLength_failsBeforeReading() throws IOException {
    AtomicLong written = new AtomicLong();
    HttpServer server = hugeBodyServer(200L * 1024 * 1024, true, written);
    try (Backend backend = open(server, 64 * 1024)) {
      StrongroomException e =
          assertThrows(
              StrongroomException.class, () -> backend.secrets().read(ReadRequest.current("big")));
      assertTrue(e.getMessage().contains("65536"), e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void responseAtTheBound_isRead() throws IOException {
    byte[] answer = "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(404, 0);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    server.start();
    try (Backend backend = open(server, answer.length)) {
      assertTrue(backend.secrets().read(ReadRequest.current("small")).isEmpty());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void maxResponseBytes_outOfRange_isRefused() {
    VaultConfig.Builder b = VaultConfig.builder(URI.create("https://vault.example:8200"));
    assertThrows(IllegalArgumentException.class, () -> b.maxResponseBytes(0));
    assertThrows(IllegalArgumentException.class, () -> b.maxResponseBytes(-1));
  }

  @Test
  void plainHttp_toARemoteHost_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                VaultConfig.builder(URI.create("http://vault.example:8200"))
                    .token(SecretValue.ofUtf8(TOKEN))
                    .build());
    assertTrue(e.getMessage().contains("vault.example"), e.getMessage());
    assertTrue(e.getMessage().contains("insecure_http"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VaultBackendProvider.config(
                URI.create("vault://10.1.2.3:8200?tls=false"), Map.of("VAULT_TOKEN", TOKEN)::get));
  }

  @Test
  void plainHttp_toLoopback_isAllowed() {
    for (String host : new String[] {"127.0.0.1", "127.8.9.10", "localhost", "[::1]"}) {
      VaultConfig config =
          VaultBackendProvider.config(
              URI.create("vault://" + host + ":8200?tls=false"), Map.of("VAULT_TOKEN", TOKEN)::get);
      assertEquals("http", config.address().getScheme(), host);
    }
  }

  @Test
  void plainHttp_toARemoteHost_withExplicitOverride_isAllowed() {
    VaultConfig config =
        VaultBackendProvider.config(
            URI.create("vault://vault.internal:8200?tls=false&insecure_http=true"),
            Map.of("VAULT_TOKEN", TOKEN)::get);
    assertEquals(URI.create("http://vault.internal:8200"), config.address());
    assertTrue(
        VaultConfig.builder(URI.create("http://vault.internal:8200"))
            .allowPlainHttp()
            .token(SecretValue.ofUtf8(TOKEN))
            .build()
            .toString()
            .contains("insecureHttp"));
    // https never needs the override.
    assertEquals(
        "https",
        VaultBackendProvider.config(
                URI.create("vault://vault.internal:8200"), Map.of("VAULT_TOKEN", TOKEN)::get)
            .address()
            .getScheme());
  }
}
