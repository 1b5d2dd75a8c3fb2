package dev.strongroom.internal.apikey;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A stored key: its metadata and HMAC-SHA-256(pepper, key), as the JSON object held by the secret
 * {@code apikeys/ID} (format 1): {@code format, id, owner, environment, scopes, created, ttl,
 * expires, maxExpires, renewable, lastUsed, revokedAt, rotatedFrom, replacedBy, hash} (instants in
 * ISO-8601, the TTL in ISO-8601 duration form, the hash in base64; absent values are null).
 *
 * <p>Immutable (the hash is copied in and never handed out). Not for public use.
 */
public final class KeyRecord {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private final ApiKeyInfo info;
  private final byte[] hash;
  private final long version;

  KeyRecord(ApiKeyInfo info, byte[] hash, long version) {
    this.info = info;
    this.hash = hash.clone();
    this.version = version;
  }

  /** The metadata. */
  public ApiKeyInfo info() {
    return info;
  }

  /** The backend version this record was read as (0 if not yet written). */
  long version() {
    return version;
  }

  /** The stored hash (not a copy: do not modify). */
  byte[] hash() {
    return hash;
  }

  /** This record with other metadata. */
  KeyRecord with(ApiKeyInfo newInfo) {
    return new KeyRecord(newInfo, hash, version);
  }

  /** The JSON bytes to store. */
  byte[] encode() {
    ObjectNode node = metadata(info);
    node.put("hash", Base64.getEncoder().encodeToString(hash));
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new StrongroomException("could not encode api key record " + info.id(), e);
    }
  }

  /**
   * Decodes a stored record.
   *
   * @throws StrongroomException if it is not a record of a known format (the message names the id
   *     only)
   */
  static KeyRecord decode(String id, byte[] json, long version) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || node.path("format").asInt() != FORMAT) {
        throw new StrongroomException("api key record " + id + " has an unknown format");
      }
      List<String> scopes = new ArrayList<>();
      node.path("scopes").forEach(s -> scopes.add(s.asText()));
      ApiKeyInfo info =
          ApiKeyInfo.builder(node.path("id").asText())
              .owner(text(node, "owner").orElse(null))
              .environment(node.path("environment").asText())
              .scopes(scopes)
              .created(Instant.parse(node.path("created").asText()))
              .ttl(Duration.parse(node.path("ttl").asText()))
              .expires(Instant.parse(node.path("expires").asText()))
              .maxExpires(Instant.parse(node.path("maxExpires").asText()))
              .renewable(node.path("renewable").asBoolean())
              .lastUsed(text(node, "lastUsed").map(Instant::parse).orElse(null))
              .revokedAt(text(node, "revokedAt").map(Instant::parse).orElse(null))
              .rotatedFrom(text(node, "rotatedFrom").orElse(null))
              .replacedBy(text(node, "replacedBy").orElse(null))
              .build();
      if (!info.id().equals(id)) {
        throw new StrongroomException("api key record " + id + " names another id");
      }
      byte[] hash = Base64.getDecoder().decode(node.path("hash").asText());
      if (hash.length != 32) {
        throw new StrongroomException("api key record " + id + " has a malformed hash");
      }
      return new KeyRecord(info, hash, version);
    } catch (IOException | RuntimeException e) {
      if (e instanceof StrongroomException) {
        throw (StrongroomException) e;
      }
      throw new StrongroomException(
          "api key record " + id + " is malformed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The metadata as a JSON object, without the hash. */
  static ObjectNode metadata(ApiKeyInfo info) {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("id", info.id());
    node.put("owner", info.owner().orElse(null));
    node.put("environment", info.environment());
    ArrayNode scopes = node.putArray("scopes");
    info.scopes().forEach(scopes::add);
    node.put("created", info.created().toString());
    node.put("ttl", info.ttl().toString());
    node.put("expires", info.expires().toString());
    node.put("maxExpires", info.maxExpires().toString());
    node.put("renewable", info.renewable());
    node.put("lastUsed", info.lastUsed().map(Instant::toString).orElse(null));
    node.put("revokedAt", info.revokedAt().map(Instant::toString).orElse(null));
    node.put("rotatedFrom", info.rotatedFrom().orElse(null));
    node.put("replacedBy", info.replacedBy().orElse(null));
    return node;
  }

  /** Writes {@code keys} as a JSON array of metadata with a {@code status}, for a SIEM. */
  static void export(List<ApiKeyInfo> keys, Instant now, java.io.Writer out) throws IOException {
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      gen.writeStartArray();
      for (ApiKeyInfo info : keys) {
        ObjectNode node = metadata(info);
        node.remove("format");
        node.put("status", info.revoked() ? "revoked" : info.active(now) ? "active" : "expired");
        JSON.writeTree(gen, node);
      }
      gen.writeEndArray();
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  @Override
  public String toString() {
    return "KeyRecord[" + info + ", version=" + version + "]";
  }
}
