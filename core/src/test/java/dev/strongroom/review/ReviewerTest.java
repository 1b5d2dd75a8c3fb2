package dev.strongroom.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.AccessPolicy;
import dev.strongroom.Operation;
import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.audit.JsonLinesOptions;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review against a real hash-chained audit log written by the real JSON-lines sink (reads
 * aggregated per second, the default), with an injected clock. Fixture, in days from T0: a, b, c
 * written at day 0; carol reads a at day 5 (outside a 90-day window at day 100); alice reads a at
 * day 15; carol reads c at day 50; bob reads a three times at day 80 (one aggregated line); at day
 * 90 a denied read of b and a read of a missing secret; at day 95 c is rewritten (version 2) and
 * the default KEK rotated; the review runs at day 100.
 */
class ReviewerTest {
  private static final String CANARY = "CANARY-review-7f3e91";
  private static final SecretValue KEY = SecretValue.ofUtf8("review-chain-key-0123456789");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(T0);
  private MemoryBackend backend;
  private AuditSink sink;
  private Path log;
  private Strongroom admin;
  private final List<Strongroom> rooms = new ArrayList<>();

  /** Shares the one sink between the rooms; only the test closes it. */
  private final class Shared implements AuditSink {
    @Override
    public void record(AuditEvent event) {
      sink.record(event);
    }

    @Override
    public void flush() {
      sink.flush();
    }

    @Override
    public void close() {}
  }

  private Strongroom as(String principal) {
    Strongroom room =
        Strongroom.builder()
            .backend(backend)
            .clock(clock)
            .executor(Runnable::run)
            .principal(principal)
            .audit(new Shared())
            .build();
    rooms.add(room);
    return room;
  }

  private void day(int n) {
    clock.set(T0.plus(Duration.ofDays(n)));
  }

  private static void read(Strongroom room, String name) {
    room.secret(name).wipe();
  }

  @BeforeEach
  void fixture() {
    backend = MemoryBackend.create(clock);
    log = dir.resolve("audit.jsonl");
    sink = AuditSinks.jsonLines(log, KEY, JsonLinesOptions.defaults());
    admin = as("admin");
    Strongroom alice = as("alice");
    Strongroom bob = as("bob");
    Strongroom carol = as("carol");
    admin.put("a", SecretValue.ofUtf8(CANARY + "-a"));
    admin.put("b", SecretValue.ofUtf8(CANARY + "-b"));
    admin.put("c", SecretValue.ofUtf8(CANARY + "-c"));
    admin.keys().create("old");
    day(5);
    read(carol, "a");
    day(15);
    read(alice, "a");
    day(50);
    read(carol, "c");
    day(80);
    read(bob, "a");
    clock.advance(Duration.ofMillis(10));
    read(bob, "a");
    clock.advance(Duration.ofMillis(10));
    read(bob, "a");
    day(90);
    Strongroom narrow = admin.scoped(AccessPolicy.allow("other/*", Operation.READ));
    assertThrows(AccessDeniedException.class, () -> read(narrow, "b"));
    assertThrows(NotFoundException.class, () -> read(admin, "missing"));
    day(95);
    admin.put("c", SecretValue.ofUtf8(CANARY + "-c2"), 1);
    admin.keys().rotate("default");
    day(100);
    sink.flush();
  }

  @AfterEach
  void close() {
    rooms.forEach(Strongroom::close);
    sink.close();
  }

  private ReviewReport review(ReviewOptions options) {
    return Reviewer.review(admin, log, KEY, clock, options);
  }

  private static ReviewReport.Secret secret(ReviewReport report, String name) {
    return report.secrets().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no entry for " + name));
  }

  @Test
  void fixture_wroteAnAggregatedReadLine() throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(
        text.contains("\"principal\":\"bob\",\"operation\":\"read\",\"resource\":\"a\"")
            && text.contains("\"count\":3"),
        "expected bob's three reads of a as one aggregated line");
  }

  @Test
  void defaults_readersLastReadAndAgePerSecret() {
    ReviewReport report = review(ReviewOptions.defaults());
    assertEquals(T0.plus(Duration.ofDays(100)), report.at());
    assertEquals(List.of("a", "b", "c"), report.secrets().stream().map(s -> s.name()).toList());

    ReviewReport.Secret a = secret(report, "a");
    assertEquals(Set.of("alice", "bob"), a.readers()); // carol's day-5 read is outside 90 days
    assertEquals(4, a.readsInWindow());
    // the aggregated line's last read, not its first
    assertEquals(
        Optional.of(T0.plus(Duration.ofDays(80)).plus(Duration.ofMillis(20))), a.lastRead());
    assertEquals(1, a.currentVersion());
    assertEquals(T0, a.currentCreated());
    assertEquals(Duration.ofDays(100), a.currentAge());

    ReviewReport.Secret b = secret(report, "b");
    assertEquals(Optional.empty(), b.lastRead()); // the denied read does not count
    assertEquals(Set.of(), b.readers());
    assertEquals(0, b.readsInWindow());

    ReviewReport.Secret c = secret(report, "c");
    assertEquals(Set.of("carol"), c.readers());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(50))), c.lastRead());
    assertEquals(2, c.currentVersion());
    assertEquals(T0.plus(Duration.ofDays(95)), c.currentCreated());
    assertEquals(Duration.ofDays(5), c.currentAge());

    assertEquals(Set.of("b"), report.names(ReviewReport.Kind.UNUSED));
    assertEquals(Set.of("a", "b"), report.names(ReviewReport.Kind.NOT_ROTATED));
  }

  @Test
  void unusedFor30Days_neverReadAndReadLongAgo() {
    ReviewReport report = review(ReviewOptions.defaults().withUnusedFor(Duration.ofDays(30)));
    assertEquals(Set.of("b", "c"), report.names(ReviewReport.Kind.UNUSED));
    assertTrue(report.has(ReviewReport.Kind.UNUSED));
  }

  @Test
  void notRotatedFor_thresholds() {
    assertEquals(
        Set.of("a", "b", "c"),
        review(ReviewOptions.defaults().withNotRotatedFor(Duration.ofDays(4)))
            .names(ReviewReport.Kind.NOT_ROTATED));
    assertEquals(
        Set.of("a", "b"),
        review(ReviewOptions.defaults().withNotRotatedFor(Duration.ofDays(5)))
            .names(ReviewReport.Kind.NOT_ROTATED));
    ReviewReport none = review(ReviewOptions.defaults().withNotRotatedFor(Duration.ofDays(101)));
    assertEquals(Set.of(), none.names(ReviewReport.Kind.NOT_ROTATED));
    assertFalse(none.has(ReviewReport.Kind.NOT_ROTATED));
  }

  @Test
  void window_limitsReaders() {
    ReviewReport report = review(ReviewOptions.defaults().withWindow(Duration.ofDays(20)));
    assertEquals(Set.of("bob"), secret(report, "a").readers());
    assertEquals(3, secret(report, "a").readsInWindow());
    assertEquals(Set.of(), secret(report, "c").readers());
    ReviewReport wide = review(ReviewOptions.defaults().withWindow(Duration.ofDays(96)));
    assertEquals(Set.of("alice", "bob", "carol"), secret(wide, "a").readers());
  }

  @Test
  void readerFilter_countsOnlyThosePrincipals() {
    ReviewOptions thirty = ReviewOptions.defaults().withUnusedFor(Duration.ofDays(30));
    ReviewReport alice = review(thirty.withReaders(Set.of("alice")));
    assertEquals(Set.of("a", "b", "c"), alice.names(ReviewReport.Kind.UNUSED));
    assertEquals(Set.of("alice"), secret(alice, "a").readers());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(15))), secret(alice, "a").lastRead());

    ReviewReport bob = review(thirty.withReaders(Set.of("bob")));
    assertEquals(Set.of("b", "c"), bob.names(ReviewReport.Kind.UNUSED));
    assertEquals(Set.of("bob"), secret(bob, "a").readers());
  }

  @Test
  void keys_primaryMinimumDecryptionVersionAndLastRotation() {
    ReviewReport report = review(ReviewOptions.defaults());
    assertEquals(
        List.of("default", "old"), report.keys().stream().map(ReviewReport.Key::name).toList());
    ReviewReport.Key k = report.keys().get(0);
    assertEquals(2, k.primaryVersion());
    assertEquals(1, k.minDecryptionVersion());
    assertEquals(2, k.versions());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(95))), k.lastRotation());
    ReviewReport.Key old = report.keys().get(1);
    assertEquals(1, old.primaryVersion());
    assertEquals(Optional.of(T0), old.lastRotation()); // its creation
    assertEquals(Set.of("old"), report.names(ReviewReport.Kind.KEY_NOT_ROTATED));
    assertEquals(
        Set.of("default", "old"),
        review(ReviewOptions.defaults().withNotRotatedFor(Duration.ofDays(4)))
            .names(ReviewReport.Kind.KEY_NOT_ROTATED));
    assertEquals(
        Set.of(),
        review(ReviewOptions.defaults().withNotRotatedFor(Duration.ofDays(101)))
            .names(ReviewReport.Kind.KEY_NOT_ROTATED));
  }

  @Test
  void editedLine_isRefused() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    int i = -1;
    for (int j = 0; j < lines.size(); j++) {
      if (lines.get(j).contains("\"principal\":\"alice\"")) {
        i = j;
      }
    }
    assertTrue(i >= 0);
    lines.set(i, lines.get(i).replace("\"principal\":\"alice\"", "\"principal\":\"bobby\""));
    Files.write(log, lines, StandardCharsets.UTF_8);
    TamperedException e =
        assertThrows(TamperedException.class, () -> review(ReviewOptions.defaults()));
    assertTrue(e.getMessage().contains("at line " + (i + 1) + ":"), e.getMessage());
  }

  @Test
  void droppedLastLines_areRefused() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    Files.write(log, lines.subList(0, lines.size() - 2), StandardCharsets.UTF_8);
    assertThrows(TamperedException.class, () -> review(ReviewOptions.defaults()));
  }

  @Test
  void report_neverHoldsAValue() {
    ReviewReport report = review(ReviewOptions.defaults().withUnusedFor(Duration.ofDays(1)));
    assertFalse(report.toString().contains(CANARY), report.toString());
    assertFalse(report.toString().contains("CANARY"));
  }
}
