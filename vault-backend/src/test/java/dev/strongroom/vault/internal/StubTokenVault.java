package dev.strongroom.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strongroom.testkit.TestClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in for Vault's token endpoints (AppRole login, renew-self with the max TTL
 * enforced, lookup-self, revoke-self) on a {@link TestClock}, recording each call with its time.
 * Requests come from the test thread (the fake scheduler runs tasks there), so nothing races.
 */
final class StubTokenVault implements AutoCloseable {
  static final String CANARY = "hvs.CANARY-token-5d1c";

  static final class Token {
    Instant end;
    final Instant maxEnd;
    boolean revoked;

    Token(Instant end, Instant maxEnd) {
      this.end = end;
      this.maxEnd = maxEnd;
    }
  }

  private final TestClock clock;
  private final Instant start;
  private final HttpServer server;
  final Map<String, Token> tokens = new LinkedHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  volatile Duration ttl = Duration.ofSeconds(60);
  volatile Duration maxTtl = Duration.ofSeconds(300);
  volatile int failStatus; // when non-zero, lookup-self and renew-self answer this
  private int counter;

  StubTokenVault(TestClock clock) throws IOException {
    this.clock = clock;
    this.start = clock.instant();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI address() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A token the stub knows, as if made by an operator (for the fixed-token login). */
  synchronized String mint() {
    String token = CANARY + "-" + (++counter);
    Instant now = clock.instant();
    tokens.put(token, new Token(now.plus(ttl), now.plus(maxTtl)));
    return token;
  }

  synchronized void revokeAll() {
    tokens.values().forEach(t -> t.revoked = true);
  }

  synchronized boolean alive(String token) {
    Token t = tokens.get(token);
    return t != null && !t.revoked && clock.instant().isBefore(t.end);
  }

  synchronized String latest() {
    String last = null;
    for (String token : tokens.keySet()) {
      last = token;
    }
    return last;
  }

  /** The calls of one kind, as "path@seconds since start". */
  List<String> callsTo(String path) {
    return calls.stream().filter(c -> c.startsWith(path + "@")).toList();
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath().substring("/v1/".length());
      Instant now = clock.instant();
      calls.add(path + "@" + Duration.between(start, now).toSeconds());
      String header = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      Token token = header == null ? null : tokens.get(header);
      boolean alive = token != null && !token.revoked && now.isBefore(token.end);
      ObjectNode answer = VaultHttp.object();
      int status = 200;
      switch (path) {
        case "auth/approle/login" -> {
          String fresh = mint();
          ObjectNode auth = answer.putObject("auth");
          auth.put("client_token", fresh);
          auth.put("lease_duration", ttl.toSeconds());
          auth.put("renewable", true);
        }
        case "auth/token/renew-self" -> {
          if (failStatus != 0) {
            status = failStatus;
          } else if (!alive) {
            status = 403;
          } else {
            JsonNode body = VaultHttp.JSON.readTree(request);
            Duration asked =
                body != null && body.has("increment")
                    ? Duration.ofSeconds(body.get("increment").asLong())
                    : ttl;
            Duration granted = asked;
            if (now.plus(granted).isAfter(token.maxEnd)) {
              granted = Duration.between(now, token.maxEnd);
            }
            token.end = now.plus(granted);
            ObjectNode auth = answer.putObject("auth");
            auth.put("client_token", header);
            auth.put("lease_duration", granted.toSeconds());
            auth.put("renewable", true);
          }
        }
        case "auth/token/lookup-self" -> {
          if (failStatus != 0) {
            status = failStatus;
          } else if (!alive) {
            status = 403;
          } else {
            ObjectNode data = answer.putObject("data");
            data.put("ttl", Duration.between(now, token.end).toSeconds());
            data.put("renewable", true);
          }
        }
        case "auth/token/revoke-self" -> {
          if (token != null) {
            token.revoked = true;
          }
          status = 204;
        }
        default -> status = 404;
      }
      if (status >= 400) {
        answer.removeAll();
        answer.putArray("errors").add("permission denied");
      }
      byte[] body = status == 204 ? new byte[0] : VaultHttp.JSON.writeValueAsBytes(answer);
      exchange.sendResponseHeaders(status, status == 204 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
