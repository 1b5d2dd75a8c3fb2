package dev.strongroom.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The head of an audit chain, kept apart from the log: the number of the last line, the SHA-256 of
 * that line, when the checkpoint was written, and a MAC over the three under the chain key (with a
 * label of its own, so no log line can pass for a checkpoint). A verifier compares it with the log:
 * a log that ends before {@code seq}, or whose line {@code seq} hashes to something else, lost
 * lines or was replaced. Not secret.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param seq the number of the last line checkpointed (0: an empty chain)
 * @param head lower-case hex SHA-256 of that line (64 zeros for an empty chain)
 * @param time when the checkpoint was written
 * @param mac lower-case hex HMAC-SHA-256 under the chain key
 */
public record AuditCheckpoint(long seq, String head, Instant time, String mac) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** Checks the fields. */
  public AuditCheckpoint {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(mac, "mac");
    if (seq < 0) {
      throw new IllegalArgumentException("expected a line number >= 0 but was " + seq);
    }
    if (!HEX64.matcher(head).matches() || !HEX64.matcher(mac).matches()) {
      throw new IllegalArgumentException("expected head and mac as 64 lower-case hex digits");
    }
  }

  /** The checkpoint as one line of JSON: {@code {"seq":…,"head":"…","time":"…","mac":"…"}}. */
  public String encode() {
    return "{\"seq\":"
        + seq
        + ",\"head\":\""
        + head
        + "\",\"time\":\""
        + time
        + "\",\"mac\":\""
        + mac
        + "\"}";
  }

  /**
   * Parses {@link #encode()}'s form. Does not check the MAC (that needs the chain key).
   *
   * @throws IllegalArgumentException if {@code text} is not a checkpoint
   */
  public static AuditCheckpoint decode(String text) {
    Objects.requireNonNull(text, "text");
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null
          || !node.path("seq").canConvertToLong()
          || !node.path("head").isTextual()
          || !node.path("time").isTextual()
          || !node.path("mac").isTextual()) {
        throw new IllegalArgumentException("expected an audit checkpoint but it was malformed");
      }
      return new AuditCheckpoint(
          node.get("seq").asLong(),
          node.get("head").asText(),
          Instant.parse(node.get("time").asText()),
          node.get("mac").asText());
    } catch (JsonProcessingException | DateTimeParseException e) {
      throw new IllegalArgumentException("expected an audit checkpoint but it was malformed", e);
    }
  }
}
