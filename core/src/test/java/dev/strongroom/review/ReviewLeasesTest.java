package dev.strongroom.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.lease.Checkout;
import dev.strongroom.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review's outstanding leases (issue 14): exactly the check-out leases active at the review's
 * time; checked-in and ended leases are not findings.
 */
class ReviewLeasesTest {
  private static final SecretValue CHAIN = SecretValue.ofUtf8("review-chain-key-0123456789");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path dir;

  @Test
  void outstandingLeases_exactlyTheActiveOnes() {
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
      room.put("db/admin", SecretValue.ofUtf8("s3cret"));
      Checkout live =
          room.checkouts().checkout("db/admin", Duration.ofHours(2), Duration.ofHours(8));
      Checkout returned =
          room.checkouts().checkout("db/admin", Duration.ofHours(2), Duration.ofHours(8));
      Checkout ended =
          room.checkouts().checkout("db/admin", Duration.ofMinutes(30), Duration.ofHours(1));
      room.checkouts().checkin(returned.id());
      clock.set(T0.plus(Duration.ofHours(1)));
      sink.flush();

      ReviewReport report = Reviewer.review(room, log, CHAIN, clock, ReviewOptions.defaults());

      assertEquals(Set.of("lease/" + live.id()), report.names(ReviewReport.Kind.LEASE_OUTSTANDING));
      assertTrue(report.has(ReviewReport.Kind.LEASE_OUTSTANDING));
      String detail =
          report.findings().stream()
              .filter(f -> f.kind() == ReviewReport.Kind.LEASE_OUTSTANDING)
              .findFirst()
              .orElseThrow()
              .detail();
      assertTrue(detail.contains("db/admin v1") && !detail.contains("s3cret"), detail);
      assertTrue(
          !report.names(ReviewReport.Kind.LEASE_OUTSTANDING).contains("lease/" + ended.id()));
    } finally {
      sink.close();
    }
  }
}
