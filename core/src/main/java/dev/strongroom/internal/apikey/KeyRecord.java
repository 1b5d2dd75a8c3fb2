package dev.strongroom.internal.apikey;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A stored key: its metadata and HMAC-SHA-256(hashKey, key), as the JSON object held by the secret
 * {@code apikeys/ID} (format 2): {@code format, id, owner, environment, scopes, created, ttl,
 * expires, maxExpires, renewable, lastUsed, revokedAt, rotatedFrom, replacedBy, hash, mac}
 * (instants in ISO-8601, the TTL in ISO-8601 duration form, hash and MAC in base64; absent values
 * are null).
 *
 * <p>Authenticated: {@code mac} is HMAC-SHA-256(recordKey, {@link #macInput}), a length-prefixed
 * encoding of the record's name and every field (see {@link PepperKeys} for the key), checked on
 * every read before anything in the record is used. A record edited, forged or copied to another
 * key's name by someone without the pepper is a {@link TamperedException}; so is a record of format
 * 1, which carried no MAC. Not covered: replaying an older genuine version of the same record (a
 * backend writer can restore, say, the version from before a revocation); see docs/SECURITY.md.
 *
 * <p>Immutable (the hash is copied in and never handed out). Not for public use.
 */
public final class KeyRecord {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 2;
  private static final int MAC_LENGTH = 32;
  private static final byte[] MAC_DOMAIN =
      "strongroom apikey record v2".getBytes(StandardCharsets.US_ASCII);

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

  /** The JSON bytes to store, MACed under {@code keys}. */
  byte[] encode(PepperKeys keys) {
    ObjectNode node = metadata(info);
    node.put("hash", Base64.getEncoder().encodeToString(hash));
    node.put("mac", Base64.getEncoder().encodeToString(mac(keys, info, hash)));
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new StrongroomException("could not encode api key record " + info.id(), e);
    }
  }

  /**
   * Decodes a stored record and checks its MAC under {@code keys}.
   *
   * @throws TamperedException if it is not a well-formed format-2 record of key {@code id} with a
   *     valid MAC (the message names the id only)
   */
  static KeyRecord decode(String id, byte[] json, long version, PepperKeys keys) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || node.path("format").asInt() != FORMAT) {
        throw tampered(id, "is not an authenticated record (format 2)");
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
      byte[] hash = Base64.getDecoder().decode(node.path("hash").asText());
      byte[] mac = Base64.getDecoder().decode(node.path("mac").asText());
      if (hash.length != 32 || mac.length != MAC_LENGTH) {
        throw tampered(id, "is malformed");
      }
      // The MAC covers the name the record was read from, so a record moved here from another
      // key's name fails even before the id check below.
      if (!MessageDigest.isEqual(mac, mac(keys, id, info, hash)) || !info.id().equals(id)) {
        throw tampered(id, "failed its integrity check (edited, forged or moved)");
      }
      return new KeyRecord(info, hash, version);
    } catch (IOException | RuntimeException e) {
      if (e instanceof TamperedException) {
        throw (TamperedException) e;
      }
      throw tampered(id, "is malformed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static TamperedException tampered(String id, String what) {
    return new TamperedException("api key record " + id + " " + what);
  }

  private static byte[] mac(PepperKeys keys, ApiKeyInfo info, byte[] hash) {
    return mac(keys, info.id(), info, hash);
  }

  /** The MAC of the record of {@code info} stored under the name of key {@code nameId}. */
  private static byte[] mac(PepperKeys keys, String nameId, ApiKeyInfo info, byte[] hash) {
    return keys.recordMac().doFinal(macInput(nameId, info, hash));
  }

  /**
   * What the MAC covers: a domain string, the record's name {@code apikeys/ID}, then every field in
   * a fixed order, each as u32 length || UTF-8 bytes (an absent value is the length 0xFFFFFFFF);
   * instants as {@code epochSecond.nano}, the TTL as its ISO-8601 form, scopes as a count and then
   * each scope in sorted order, the hash as raw bytes.
   */
  static byte[] macInput(String nameId, ApiKeyInfo info, byte[] hash) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    field(out, MAC_DOMAIN);
    field(out, "apikeys/" + nameId);
    field(out, info.id());
    field(out, info.owner().orElse(null));
    field(out, info.environment());
    field(out, Integer.toString(info.scopes().size()));
    info.scopes().forEach(scope -> field(out, scope));
    field(out, instant(info.created()));
    field(out, info.ttl().toString());
    field(out, instant(info.expires()));
    field(out, instant(info.maxExpires()));
    field(out, Boolean.toString(info.renewable()));
    field(out, info.lastUsed().map(KeyRecord::instant).orElse(null));
    field(out, info.revokedAt().map(KeyRecord::instant).orElse(null));
    field(out, info.rotatedFrom().orElse(null));
    field(out, info.replacedBy().orElse(null));
    field(out, hash);
    return out.toByteArray();
  }

  private static String instant(Instant at) {
    return at.getEpochSecond() + "." + at.getNano();
  }

  private static void field(ByteArrayOutputStream out, String value) {
    if (value == null) {
      writeU32(out, 0xFFFFFFFF);
    } else {
      field(out, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    writeU32(out, value.length);
    out.write(value, 0, value.length);
  }

  private static void writeU32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
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
