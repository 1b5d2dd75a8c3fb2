package dev.strongroom.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash-chained JSON-lines format shared by the sink and the verifier.
 *
 * <p>Line {@code n} (1-based) is one compact JSON object, fields in this order: {@code seq} (= n),
 * {@code time}, {@code principal}, {@code operation}, {@code resource}, {@code version}, {@code
 * outcome}, {@code detail}, {@code prev} (lower-case hex SHA-256 of the UTF-8 bytes of line n-1
 * without its newline; 64 zeros for line 1) and last {@code mac}: lower-case hex
 * HMAC-SHA-256(chainKey, the UTF-8 bytes of the line with {@code ,"mac":"…"} removed). The MAC so
 * covers {@code seq} and {@code prev}: without the key nobody can edit, insert, drop or reorder a
 * line and recompute the chain. Dropping lines at the end is not detectable from the file alone:
 * compare the verified line count with one kept elsewhere.
 *
 * <p>Not thread-safe (a {@link Mac} inside); the sink guards it with its own lock.
 */
final class AuditChain {
  static final String GENESIS = "0".repeat(64);
  static final int MIN_KEY_BYTES = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final String MAC_PREFIX = ",\"mac\":\"";
  private static final int MAC_SUFFIX_LENGTH = MAC_PREFIX.length() + 64 + 2;
  private static final Pattern MAC_SUFFIX = Pattern.compile(",\"mac\":\"[0-9a-f]{64}\"}$");

  private final Mac mac;

  private AuditChain(Mac mac) {
    this.mac = mac;
  }

  static AuditChain create(SecretValue key) {
    if (key.length() < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "expected a chain key of at least " + MIN_KEY_BYTES + " bytes but was " + key.length());
    }
    byte[] material = key.copyBytes();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(material, "HmacSHA256"));
      return new AuditChain(mac);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("expected HmacSHA256 in the JDK but it was missing", e);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /** Builds line {@code seq} for {@code event}, chained to the line whose hash is {@code prev}. */
  String line(long seq, AuditEvent event, String prev) {
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", seq);
    node.put("time", event.time().toString());
    node.put("principal", event.principal());
    node.put("operation", event.operation());
    node.put("resource", event.resource());
    node.put("version", event.version());
    node.put("outcome", event.outcome().name());
    node.put("detail", event.detail());
    node.put("prev", prev);
    String canonical;
    try {
      canonical = JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("expected a JSON tree to serialize", e);
    }
    return canonical.substring(0, canonical.length() - 1)
        + MAC_PREFIX
        + HEX.formatHex(mac(canonical))
        + "\"}";
  }

  static String hash(String line) {
    try {
      return HEX.formatHex(
          MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("expected SHA-256 in the JDK but it was missing", e);
    }
  }

  /** The end of a verified chain: how many lines, the hash of the last, or the first failure. */
  record Tail(long lines, String lastHash, AuditVerification result) {}

  /** Verifies the file line by line. */
  Tail scan(Path file) throws IOException {
    long n = 0;
    String prev = GENESIS;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        String why = check(line, n + 1, prev);
        if (why != null) {
          return new Tail(n, prev, AuditVerification.failed(n, why));
        }
        n++;
        prev = hash(line);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (n > 0 && !endsWithNewline(file)) {
      return new Tail(n - 1, prev, AuditVerification.failed(n - 1, "partial last line"));
    }
    return new Tail(n, prev, AuditVerification.passed(n));
  }

  /** Returns why line {@code seq} is bad, or null if it is good. */
  private String check(String line, long seq, String prev) {
    if (line.length() < MAC_SUFFIX_LENGTH || !MAC_SUFFIX.matcher(line).find()) {
      return "not a chained audit line (malformed or truncated)";
    }
    int cut = line.length() - MAC_SUFFIX_LENGTH;
    String canonical = line.substring(0, cut) + "}";
    byte[] expected = mac(canonical);
    byte[] actual = HEX.parseHex(line, cut + MAC_PREFIX.length(), cut + MAC_PREFIX.length() + 64);
    if (!MessageDigest.isEqual(expected, actual)) {
      return "MAC does not match (line edited, forged, or wrong key)";
    }
    JsonNode node;
    try {
      node = JSON.readTree(canonical);
    } catch (JsonProcessingException e) {
      return "not valid JSON";
    }
    JsonNode seqNode = node.get("seq");
    if (seqNode == null || !seqNode.canConvertToLong() || seqNode.asLong() != seq) {
      return "sequence number is not " + seq + " (a line was deleted, inserted or moved before it)";
    }
    JsonNode prevNode = node.get("prev");
    if (prevNode == null || !prevNode.isTextual() || !prevNode.asText().equals(prev)) {
      return "prev does not match the line before (a line was deleted, inserted or moved)";
    }
    return null;
  }

  private byte[] mac(String canonical) {
    return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (var channel = java.nio.channels.FileChannel.open(file)) {
      long size = channel.size();
      if (size == 0) {
        return true;
      }
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      channel.read(last, size - 1);
      return last.get(0) == '\n';
    }
  }
}
