package dev.strongroom.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.InvalidCiphertextException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A {@link KeyEncryptionService} over a Transit mount. The wrapped form is Transit's ciphertext
 * string ({@code vault:v3:...}) in UTF-8; the key reference is {@code vault-transit:NAME}.
 *
 * <p>Design: the associated data is bound in one of two ways, picked per key from its {@code
 * derived} flag (read once and cached). Keys this service creates are derived keys, and the AAD
 * goes as the derivation {@code context} (prefixed with a fixed label, so it is never empty): every
 * Transit operation, rewrap included, honours it server-side. Keys created elsewhere without
 * derivation get the AAD as {@code associated_data}, which OpenBao 2.7 honours for encrypt, decrypt
 * and datakey but ignores in rewrap; for such a key with non-empty AAD, {@link #rewrap} decrypts
 * and encrypts again inside this process (the data key never reaches the caller). Data keys come
 * from {@code datakey/plaintext} in one call. Every unwrap refusal (bad ciphertext, wrong AAD,
 * version below min_decryption_version, unknown key) is an {@link InvalidCiphertextException} with
 * the generic message.
 *
 * <p>Thread-safe.
 */
public final class TransitKeys implements KeyEncryptionService {
  /** The reference prefix. */
  public static final String REF_PREFIX = "vault-transit:";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final byte[] CONTEXT_LABEL = "strongroom-aad:".getBytes(StandardCharsets.UTF_8);

  private final VaultHttp http;
  private final String mount;
  private final Map<String, Boolean> derived = new ConcurrentHashMap<>();

  /** A service over the Transit mount {@code mount} (e.g. {@code transit}). */
  public TransitKeys(VaultHttp http, String mount) {
    this.http = Objects.requireNonNull(http, "http");
    this.mount = Objects.requireNonNull(mount, "mount");
  }

  @Override
  public String keyRef(String keyName) {
    return REF_PREFIX + checkName(keyName);
  }

  /** Transit's own prefix {@code vault:vN:} names the version. */
  @Override
  public java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    String text = new String(wrapped, java.nio.charset.StandardCharsets.US_ASCII);
    if (!text.startsWith("vault:v")) {
      return java.util.OptionalInt.empty();
    }
    int end = text.indexOf(':', 7);
    try {
      return end < 0
          ? java.util.OptionalInt.empty()
          : java.util.OptionalInt.of(Integer.parseInt(text.substring(7, end)));
    } catch (NumberFormatException e) {
      return java.util.OptionalInt.empty();
    }
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    String name = checkName(request.keyName());
    ObjectNode body = bind(name, request.aad());
    byte[] key = request.dataKey().copyBytes();
    try {
      body.put("plaintext", Base64.getEncoder().encodeToString(key));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    return wrapped(http.expectOk("POST", path("encrypt", name), body).data());
  }

  @Override
  public GeneratedKey generate(WrapRequest.Generate request) {
    String name = checkName(request.keyName());
    ObjectNode body = bind(name, request.aad());
    body.put("bits", 256);
    JsonNode data = http.expectOk("POST", path("datakey/plaintext", name), body).data();
    byte[] key = Base64.getDecoder().decode(data.path("plaintext").asText());
    try {
      return new GeneratedKey(SecretValue.of(key), wrapped(data));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    String name = checkName(request.keyName());
    ObjectNode body = bind(name, request.aad());
    body.put("ciphertext", new String(request.wrapped(), StandardCharsets.UTF_8));
    VaultHttp.Response response = http.send("POST", path("decrypt", name), body);
    if (response.status() == 400 || response.status() == 404) {
      throw new InvalidCiphertextException(
          VaultHttp.failure("POST", path("decrypt", name), response));
    }
    if (!response.ok()) {
      throw VaultHttp.failure("POST", path("decrypt", name), response);
    }
    byte[] key = Base64.getDecoder().decode(response.data().path("plaintext").asText());
    try {
      return SecretValue.of(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    String name = checkName(request.keyName());
    if (!isDerived(name) && request.aad().length > 0) {
      try (SecretValue key = unwrap(request)) {
        return wrap(new WrapRequest(name, key, request.aad()));
      }
    }
    ObjectNode body = bind(name, request.aad());
    body.put("ciphertext", new String(request.wrapped(), StandardCharsets.UTF_8));
    VaultHttp.Response response = http.send("POST", path("rewrap", name), body);
    if (response.status() == 400 || response.status() == 404) {
      throw new InvalidCiphertextException(
          VaultHttp.failure("POST", path("rewrap", name), response));
    }
    if (!response.ok()) {
      throw VaultHttp.failure("POST", path("rewrap", name), response);
    }
    return wrapped(response.data());
  }

  /**
   * OpenBao refuses a JSON request body with 1,000 strings or more ("refused JSON input due to high
   * complexity": its default {@code max_json_strings}), keys included, so a {@code batch_input}
   * rewrap is split into requests below that: 249 wrapped keys per request for a derived key (4
   * strings each).
   */
  static final int MAX_JSON_STRINGS = 1000;

  @Override
  public List<Optional<WrappedKey>> rewrapAll(
      String keyName, List<byte[]> wrappedKeys, byte[] aad) {
    return rewrapBatch(keyName, wrappedKeys, aad);
  }

  /** Same as {@link #rewrapAll}. */
  public List<Optional<WrappedKey>> rewrapBatch(
      String keyName, List<byte[]> wrappedKeys, byte[] aad) {
    String name = checkName(keyName);
    Objects.requireNonNull(wrappedKeys, "wrappedKeys");
    if (!isDerived(name) && aad.length > 0) {
      List<Optional<WrappedKey>> out = new ArrayList<>(wrappedKeys.size());
      for (byte[] wrapped : wrappedKeys) {
        try {
          out.add(Optional.of(rewrap(new UnwrapRequest(name, wrapped, aad))));
        } catch (InvalidCiphertextException e) {
          out.add(Optional.empty());
        }
      }
      return out;
    }
    List<Optional<WrappedKey>> out = new ArrayList<>(wrappedKeys.size());
    int perRequest = Math.max(1, (MAX_JSON_STRINGS - 1) / (2 * (bind(name, aad).size() + 1)));
    for (int from = 0; from < wrappedKeys.size(); from += perRequest) {
      List<byte[]> part =
          wrappedKeys.subList(from, Math.min(wrappedKeys.size(), from + perRequest));
      ObjectNode body = VaultHttp.object();
      ArrayNode batch = body.putArray("batch_input");
      for (byte[] wrapped : part) {
        ObjectNode item = bind(name, aad);
        item.put("ciphertext", new String(wrapped, StandardCharsets.UTF_8));
        batch.add(item);
      }
      JsonNode results =
          http.expectOk("POST", path("rewrap", name), body).data().path("batch_results");
      for (int i = 0; i < part.size(); i++) {
        JsonNode result = results.path(i);
        out.add(
            result.path("ciphertext").isTextual()
                ? Optional.of(wrapped(result))
                : Optional.empty());
      }
    }
    return out;
  }

  @Override
  public KeyInfo createKey(String keyName) {
    String name = checkName(keyName);
    VaultHttp.Response existing = http.send("GET", path("keys", name), null);
    if (existing.ok()) {
      throw new ConflictException("vault transit key " + name + " already exists");
    }
    if (existing.status() != 404) {
      throw VaultHttp.failure("GET", path("keys", name), existing);
    }
    ObjectNode body = VaultHttp.object();
    body.put("type", "aes256-gcm96");
    body.put("derived", true);
    http.expectOk("POST", path("keys", name), body);
    return describe(name);
  }

  @Override
  public KeyInfo rotate(String keyName) {
    String name = checkName(keyName);
    expect(http.send("POST", path("keys", name) + "/rotate", VaultHttp.object()), name, "rotate");
    return describe(name);
  }

  @Override
  public List<String> keyNames() {
    VaultHttp.Response response = http.send("LIST", mount + "/keys", null);
    if (response.status() == 404) {
      return List.of(); // Vault answers 404 to a LIST with nothing under it
    }
    if (!response.ok()) {
      throw VaultHttp.failure("LIST", mount + "/keys", response);
    }
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (JsonNode key : response.data().path("keys")) {
      String name = key.asText();
      if (NAME.matcher(name).matches()) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  @Override
  public KeyInfo describe(String keyName) {
    String name = checkName(keyName);
    JsonNode data = expect(http.send("GET", path("keys", name), null), name, "read").data();
    derived.put(name, data.path("derived").asBoolean());
    List<Integer> versions = new ArrayList<>();
    data.path("keys").fieldNames().forEachRemaining(v -> versions.add(Integer.parseInt(v)));
    versions.sort(null);
    return new KeyInfo(
        name,
        versions,
        data.path("latest_version").asInt(),
        data.path("min_decryption_version").asInt());
  }

  @Override
  public KeyInfo setMinDecryptionVersion(String keyName, int version) {
    String name = checkName(keyName);
    KeyInfo info = describe(name);
    if (version < 1 || version > info.primaryVersion()) {
      throw new IllegalArgumentException(
          "expected a version in [1, " + info.primaryVersion() + "] but was " + version);
    }
    ObjectNode body = VaultHttp.object();
    body.put("min_decryption_version", version);
    http.expectOk("POST", path("keys", name) + "/config", body);
    return describe(name);
  }

  @Override
  public void destroyKey(String keyName) {
    String name = checkName(keyName);
    ObjectNode body = VaultHttp.object();
    body.put("deletion_allowed", true);
    expect(http.send("POST", path("keys", name) + "/config", body), name, "configure");
    expect(http.send("DELETE", path("keys", name), null), name, "delete");
    derived.remove(name);
  }

  private VaultHttp.Response expect(VaultHttp.Response response, String name, String what) {
    if (response.ok()) {
      return response;
    }
    if (response.status() == 404 || (response.status() == 400 && response.errorContains("found"))) {
      throw new NotFoundException("vault transit key " + name + ": not found (" + what + ")");
    }
    throw VaultHttp.failure(what, path("keys", name), response);
  }

  private boolean isDerived(String name) {
    Boolean known = derived.get(name);
    if (known == null) {
      describe(name);
      known = derived.getOrDefault(name, false);
    }
    return known;
  }

  private ObjectNode bind(String name, byte[] aad) {
    ObjectNode body = VaultHttp.object();
    if (isDerived(name)) {
      byte[] context = new byte[CONTEXT_LABEL.length + aad.length];
      System.arraycopy(CONTEXT_LABEL, 0, context, 0, CONTEXT_LABEL.length);
      System.arraycopy(aad, 0, context, CONTEXT_LABEL.length, aad.length);
      body.put("context", Base64.getEncoder().encodeToString(context));
    } else if (aad.length > 0) {
      body.put("associated_data", Base64.getEncoder().encodeToString(aad));
    }
    return body;
  }

  private static WrappedKey wrapped(JsonNode data) {
    String ciphertext = data.path("ciphertext").asText();
    int version = data.path("key_version").asInt();
    return new WrappedKey(ciphertext.getBytes(StandardCharsets.UTF_8), version);
  }

  private String path(String operation, String name) {
    return mount + "/" + operation + "/" + name;
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "keyName");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "expected a transit key name of letters, digits, '_', '.', '-' but was '" + name + "'");
    }
    return name;
  }
}
