package dev.strongroom.hikari;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.util.Credentials;
import dev.strongroom.SecretValue;
import java.io.IOException;

/**
 * The JSON shape of a database credential held in one secret: {@code {"username": "...",
 * "password": "..."}} (other fields are ignored). Stateless and thread-safe. Parse errors never
 * carry the value or the parser's message (which quotes the input).
 */
final class DbCredential {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DbCredential() {}

  /** The username and password in {@code value}, for secret {@code name}. */
  static Credentials parse(String name, SecretValue value) {
    return value.apply(
        bytes -> {
          JsonNode node;
          try {
            node = JSON.readTree(bytes);
          } catch (IOException e) {
            throw malformed(name); // no cause: Jackson's message quotes the input
          }
          JsonNode user = node == null ? null : node.get("username");
          JsonNode password = node == null ? null : node.get("password");
          if (user == null || !user.isTextual() || user.asText().isEmpty()) {
            throw malformed(name);
          }
          if (password == null || !password.isTextual()) {
            throw malformed(name);
          }
          return Credentials.of(user.asText(), password.asText());
        });
  }

  /** A JSON credential value for {@code username} and {@code password}. */
  static SecretValue format(String username, char[] password) {
    ObjectNode node = JSON.createObjectNode();
    node.put("username", username);
    node.put("password", new String(password));
    try {
      return SecretValue.of(JSON.writeValueAsString(node).toCharArray());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a credential as JSON");
    }
  }

  /** The username alone, which is not secret. */
  static String username(String name, SecretValue value) {
    return parse(name, value).getUsername();
  }

  private static IllegalStateException malformed(String name) {
    return new IllegalStateException(
        "expected secret '"
            + name
            + "' to hold a JSON object with string fields \"username\" and \"password\" but it"
            + " did not (value not shown)");
  }
}
