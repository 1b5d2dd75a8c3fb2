package dev.strongroom.internal.room;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The value model's fields: a multi-field secret is the JSON object of its fields, one member per
 * field, each a string. This builds that object from fields and reads one field out of a value.
 * Parse errors never carry the parser's message (it quotes the input, which is secret).
 *
 * <p>Stateless and thread-safe. Not for public use.
 */
public final class Fields {
  /** The field a single value is, in the native shapes (Vault KV v2). */
  public static final String VALUE = "value";

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  private Fields() {}

  /**
   * The JSON object of {@code fields}, members in name order; each value must be UTF-8 text.
   *
   * @throws IllegalArgumentException if there is no field, a name is invalid (see {@link
   *     SecretRef#checkField}) or a value is not UTF-8 (named by field, never shown)
   */
  public static SecretValue toJson(Map<String, SecretValue> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("expected at least one field but there were none");
    }
    ObjectNode object = JSON.createObjectNode();
    for (String name : new TreeSet<>(fields.keySet())) {
      SecretRef.checkField(name);
      SecretValue value = fields.get(name);
      if (value == null) {
        throw new IllegalArgumentException(
            "expected a value for field '" + name + "' but was null");
      }
      String text;
      try {
        text = value.copyUtf8String();
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(
            "expected UTF-8 text in field '"
                + name
                + "' (fields are JSON strings; store bytes that are not text as a single value)");
      }
      object.put(name, text);
    }
    try {
      return SecretValue.of(JSON.writeValueAsBytes(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("expected a serialisable JSON object");
    }
  }

  /**
   * Field {@code field} of {@code value} when the value is a JSON object: a string member as its
   * UTF-8 bytes, any other member as its JSON text. Empty if the value is not a JSON object.
   *
   * @throws NotFoundException if it is an object without that field (naming the fields it has)
   */
  public static Optional<SecretValue> field(String secret, SecretValue value, String field) {
    byte[] bytes = value.copyBytes();
    try {
      JsonNode node = parseObject(bytes);
      if (node == null) {
        return Optional.empty();
      }
      JsonNode member = node.get(field);
      if (member == null) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        throw new NotFoundException(
            "secret '" + secret + "' has no field '" + field + "'; its fields are " + names);
      }
      byte[] out =
          member.isTextual()
              ? member.textValue().getBytes(StandardCharsets.UTF_8)
              : member.toString().getBytes(StandardCharsets.UTF_8);
      try {
        return Optional.of(SecretValue.of(out));
      } finally {
        Arrays.fill(out, (byte) 0);
      }
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Whether {@code value} is a JSON object (a multi-field secret). */
  public static boolean isObject(SecretValue value) {
    byte[] bytes = value.copyBytes();
    try {
      return parseObject(bytes) != null;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static JsonNode parseObject(byte[] bytes) {
    int i = 0;
    while (i < bytes.length
        && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
      i++;
    }
    if (i == bytes.length || bytes[i] != '{') {
      return null;
    }
    try (JsonParser parser = JSON.getFactory().createParser(bytes)) {
      JsonNode node = JSON.readTree(parser);
      return node != null && node.isObject() && parser.nextToken() == null ? node : null;
    } catch (IOException | RuntimeException e) {
      return null; // the parser's message quotes the input: never passed on
    }
  }
}
