package dev.strongroom.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.SecretValue;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash-chained JSON-lines format shared by the sink and the verifier.
 *
 * <p>Line {@code n} (1-based, counted across rolled-over files) is one compact JSON object, fields
 * in this order: {@code seq} (= n), {@code time}, {@code principal}, {@code operation}, {@code
 * resource}, {@code version}, {@code outcome}, {@code detail}; for an aggregate of identical events
 * then {@code count}, {@code first} and {@code last}; then {@code prev} (lower-case hex SHA-256 of
 * the UTF-8 bytes of line n-1 without its newline; 64 zeros for line 1) and last {@code mac}:
 * lower-case hex HMAC-SHA-256(chainKey, the UTF-8 bytes of the line with {@code ,"mac":"…"}
 * removed). The MAC so covers {@code seq} and {@code prev}: without the key nobody can edit,
 * insert, drop or reorder a line and recompute the chain. Lines dropped at the end are caught by
 * the checkpoint ({@link AuditCheckpoint}), MACed under the same key with its own label.
 *
 * <p>Not thread-safe (a {@link Mac} inside); the sink guards it with its own lock.
 */
final class AuditChain {
  static final String GENESIS = "0".repeat(64);
  static final int MIN_KEY_BYTES = 16;
  static final int MAX_LINE_BYTES = 1024 * 1024;

  /** Longer details are cut (and marked) when written, so no line nears {@link #MAX_LINE_BYTES}. */
  static final int MAX_DETAIL_CHARS = 4096;

  static final String REPAIR = "audit.repair";

  /** The operation of the line {@link AuditVerifier#adopt} appends. */
  static final String ADOPT = "audit.adopt";

  private static final byte[] CHECKPOINT_LABEL =
      "strongroom-audit-checkpoint-v1\n".getBytes(StandardCharsets.US_ASCII);
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
    return line(seq, event, prev, 0, null, null);
  }

  /**
   * Builds line {@code seq}; with {@code count > 0} it stands for {@code count} identical events
   * between {@code first} and {@code last}.
   */
  String line(long seq, AuditEvent event, String prev, long count, Instant first, Instant last) {
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", seq);
    node.put("time", event.time().toString());
    node.put("principal", event.principal());
    node.put("operation", event.operation());
    node.put("resource", event.resource());
    node.put("version", event.version());
    node.put("outcome", event.outcome().name());
    String detail = event.detail();
    node.put(
        "detail",
        detail.length() <= MAX_DETAIL_CHARS
            ? detail
            : detail.substring(0, MAX_DETAIL_CHARS) + "…[" + detail.length() + " chars]");
    if (count > 0) {
      node.put("count", count);
      node.put("first", first.toString());
      node.put("last", last.toString());
    }
    node.put("prev", prev);
    String canonical;
    try {
      canonical = JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("expected a JSON tree to serialize", e);
    }
    if (canonical.length() > MAX_LINE_BYTES / 4 - MAC_SUFFIX_LENGTH) {
      throw new IllegalArgumentException(
          "expected an audit event under "
              + (MAX_LINE_BYTES / 4)
              + " characters but it was "
              + canonical.length()
              + " (a principal or resource name that long)");
    }
    return canonical.substring(0, canonical.length() - 1)
        + MAC_PREFIX
        + HEX.formatHex(mac(canonical.getBytes(StandardCharsets.UTF_8)))
        + "\"}";
  }

  static String hash(String line) {
    return hash(line.getBytes(StandardCharsets.UTF_8));
  }

  static String hash(byte[] line) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(line));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("expected SHA-256 in the JDK but it was missing", e);
    }
  }

  /** The MAC of a checkpoint: its own label, so no log line can pass for a checkpoint. */
  String checkpointMac(long seq, String head, Instant time) {
    byte[] body = (seq + "\n" + head + "\n" + time.toString()).getBytes(StandardCharsets.US_ASCII);
    byte[] input = new byte[CHECKPOINT_LABEL.length + body.length];
    System.arraycopy(CHECKPOINT_LABEL, 0, input, 0, CHECKPOINT_LABEL.length);
    System.arraycopy(body, 0, input, CHECKPOINT_LABEL.length, body.length);
    return HEX.formatHex(mac(input));
  }

  /** A checkpoint of the head {@code seq}/{@code head}, MACed. */
  AuditCheckpoint checkpoint(long seq, String head, Instant time) {
    return new AuditCheckpoint(seq, head, time, checkpointMac(seq, head, time));
  }

  /** Whether {@code checkpoint}'s MAC is right, compared in constant time. */
  boolean verifies(AuditCheckpoint checkpoint) {
    byte[] expected =
        HEX.parseHex(checkpointMac(checkpoint.seq(), checkpoint.head(), checkpoint.time()));
    return MessageDigest.isEqual(expected, HEX.parseHex(checkpoint.mac()));
  }

  /** A partial last line: {@code bytes} bytes at {@code offset} of {@code file}. */
  record Torn(Path file, long offset, long bytes) {}

  /** What a scan of the chain's files found. */
  static final class Scan {
    long lines;
    String lastHash = GENESIS;

    /** The first failure, or null. */
    AuditVerification failure;

    /** A partial last line of the last file, or null. */
    Torn torn;

    /** Bytes of complete lines in the last file scanned. */
    long lastFileBytes;

    /** Time of the first line of the last file, or null if it has none. */
    Instant lastFileFirstTime;

    /** Hashes of the lines asked for. */
    final Map<Long, String> hashes = new HashMap<>();

    final List<AuditVerification.Warning> warnings = new ArrayList<>();
  }

  /**
   * Verifies {@code files} in order as one chain (earlier rolled-over files first, each of which
   * must end at the line its name says: {@code segmentEnds}, or -1 for the active file). Stops at
   * the first failure. Remembers the hashes of the lines in {@code wanted}.
   */
  Scan scan(List<Path> files, List<Long> segmentEnds, Set<Long> wanted) throws IOException {
    Scan scan = new Scan();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      boolean last = i == files.size() - 1;
      scanFile(file, scan, wanted, last);
      if (scan.failure != null) {
        return scan;
      }
      if (scan.torn != null && !last) {
        scan.failure =
            AuditVerification.failed(
                scan.lines,
                "partial line at offset "
                    + scan.torn.offset()
                    + " of "
                    + file.getFileName()
                    + ", which is not the last file");
        return scan;
      }
      long end = segmentEnds.get(i);
      if (end >= 0 && end != scan.lines) {
        scan.failure =
            AuditVerification.failed(
                Math.min(end, scan.lines),
                "rolled-over file "
                    + file.getFileName()
                    + " should end at line "
                    + end
                    + " but ends at line "
                    + scan.lines
                    + " (lines were cut, or the file was renamed)");
        return scan;
      }
    }
    return scan;
  }

  private void scanFile(Path file, Scan scan, Set<Long> wanted, boolean last) throws IOException {
    long offset = 0;
    scan.lastFileFirstTime = null;
    scan.lastFileBytes = 0;
    try (InputStream in = new BufferedInputStream(AuditFiles.openRead(file), 1 << 16)) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
      int b;
      boolean tooLong = false;
      while ((b = in.read()) != -1) {
        if (b != '\n') {
          if (buffer.size() < MAX_LINE_BYTES) {
            buffer.write(b);
          } else {
            tooLong = true;
          }
          continue;
        }
        byte[] bytes = buffer.toByteArray();
        buffer.reset();
        long seq = scan.lines + 1;
        String why = tooLong ? "line longer than " + MAX_LINE_BYTES + " bytes" : null;
        JsonNode node = null;
        if (why == null) {
          String line = new String(bytes, StandardCharsets.UTF_8);
          Object checked = check(line, seq, scan.lastHash);
          if (checked instanceof String) {
            why = (String) checked;
          } else {
            node = (JsonNode) checked;
          }
        }
        if (why != null) {
          scan.failure = AuditVerification.failed(scan.lines, in(file, why));
          return;
        }
        scan.lines = seq;
        scan.lastHash = hash(bytes);
        offset += bytes.length + 1;
        scan.lastFileBytes = offset;
        if (scan.lastFileFirstTime == null) {
          scan.lastFileFirstTime = parseTime(node.get("time"));
        }
        if (wanted.contains(seq)) {
          scan.hashes.put(seq, scan.lastHash);
        }
        if (REPAIR.equals(node.path("operation").asText())) {
          scan.warnings.add(
              new AuditVerification.Warning(
                  seq, "line " + seq + " records a repair: " + node.path("detail").asText()));
        } else if (ADOPT.equals(node.path("operation").asText())) {
          scan.warnings.add(
              new AuditVerification.Warning(
                  seq, "line " + seq + " records an adoption: " + node.path("detail").asText()));
        }
      }
      if (buffer.size() > 0 || tooLong) {
        scan.torn = new Torn(file, offset, buffer.size() + (tooLong ? 1 : 0));
        if (last) {
          scan.lastFileBytes = offset;
        }
      }
    }
  }

  private static String in(Path file, String why) {
    return why + " (in " + file.getFileName() + ")";
  }

  private static Instant parseTime(JsonNode node) {
    try {
      return node == null ? null : Instant.parse(node.asText());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Returns why line {@code seq} is bad (a String), or its parsed JSON if it is good. */
  private Object check(String line, long seq, String prev) {
    if (line.length() < MAC_SUFFIX_LENGTH || !MAC_SUFFIX.matcher(line).find()) {
      return "not a chained audit line (malformed or truncated)";
    }
    int cut = line.length() - MAC_SUFFIX_LENGTH;
    String canonical = line.substring(0, cut) + "}";
    byte[] expected = mac(canonical.getBytes(StandardCharsets.UTF_8));
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
    return node;
  }

  private byte[] mac(byte[] input) {
    return mac.doFinal(input);
  }
}
