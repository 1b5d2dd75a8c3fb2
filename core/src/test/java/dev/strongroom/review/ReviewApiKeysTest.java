package dev.strongroom.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review's API-key findings (issue 14): active keys never or not recently used, and keys issued
 * too long ago, from the keys' authenticated records; revoked keys are not findings.
 */
class ReviewApiKeysTest {
  private static final SecretValue CHAIN = SecretValue.ofUtf8("review-chain-key-0123456789");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path dir;

  @Test
  void apiKeys_unusedAndNotRotated_exactSets_revokedLeftOut() {
    MutableClock clock = MutableClock.at(T0);
    Path log = dir.resolve("audit.jsonl");
    AuditSink sink = AuditSinks.jsonLines(log, CHAIN, JsonLinesOptions.defaults());
    try (Strongroom room =
        Strongroom.builder()
            .backend(MemoryBackend.create(clock))
            .clock(clock)
            .executor(Runnable::run)
            .audit(sink)
            .build()) {
      IssueRequest request =
          IssueRequest.builder("live").owner("ci").ttl(Duration.ofDays(365)).build();
      IssuedKey used = room.apiKeys().issue(request);
      IssuedKey idle = room.apiKeys().issue(request);
      IssuedKey revoked = room.apiKeys().issue(request);
      clock.set(T0.plus(Duration.ofDays(20)));
      IssuedKey fresh = room.apiKeys().issue(request);
      clock.set(T0.plus(Duration.ofDays(95)));
      assertTrue(room.apiKeys().verify(used.key()).valid());
      room.apiKeys().revoke(revoked.id());
      clock.set(T0.plus(Duration.ofDays(100)));
      sink.flush();

      ReviewReport report =
          Reviewer.review(
              room,
              log,
              CHAIN,
              clock,
              ReviewOptions.defaults()
                  .withUnusedFor(Duration.ofDays(30))
                  .withNotRotatedFor(Duration.ofDays(90)));

      assertEquals(
          Set.of("apikey/" + idle.id(), "apikey/" + fresh.id()),
          report.names(ReviewReport.Kind.API_KEY_UNUSED));
      assertEquals(
          Set.of("apikey/" + used.id(), "apikey/" + idle.id()),
          report.names(ReviewReport.Kind.API_KEY_NOT_ROTATED));
      assertTrue(
          report.findings().stream()
              .noneMatch(f -> f.detail().contains(new String(used.key().copyChars()))),
          "never the key itself");
    } finally {
      sink.close();
    }
  }
}
