package dev.strongroom.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.SecretValue;
import dev.strongroom.audit.AuditEvent.Outcome;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.internal.memory.MemorySecretStore;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.testkit.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and their mirrors, the aggregating sink's fail-closed rule, roll-over. */
class CheckpointedSinkTest {
  private static final SecretValue KEY = SecretValue.ofUtf8("chain-key-0123456789abcdef");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final TestClock clock = new TestClock(T0);

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private static AuditEvent write(int i) {
    return new AuditEvent(T0.plusSeconds(i), "svc", "write", "db/pw", i + 1, Outcome.OK, "");
  }

  private AuditEvent read(String principal) {
    return AuditEvent.of(clock.instant(), principal, "read", "db/pw", Outcome.OK);
  }

  private JsonLinesOptions.Builder manual() {
    return JsonLinesOptions.builder()
        .aggregate(Duration.ofSeconds(10))
        .clock(clock)
        .backgroundFlush(false);
  }

  private List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  // ---- checkpoints and mirrors

  @Test
  void checkpoint_isMacedUnderTheChainKey_andAnEditIsDetected() throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(0));
      sink.record(write(1));
    }
    Path cp = JsonLinesSink.defaultCheckpoint(log());
    String text = Files.readString(cp, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"seq\":2"), text);
    Files.writeString(cp, text.replace("\"seq\":2", "\"seq\":1"));

    AuditVerification result = AuditVerifier.verify(log(), KEY);

    assertFalse(result.ok());
    assertTrue(result.reason().contains("does not verify"), result.reason());
  }

  @Test
  void mirrorFile_detectsLogAndLocalCheckpointDeletedTogether() throws IOException {
    Path mirrorPath = dir.resolve("elsewhere.checkpoint");
    AuditCheckpointStore mirror = AuditCheckpointStores.file(mirrorPath);
    try (AuditSink sink =
        AuditSinks.jsonLines(log(), KEY, manual().everyEvent().mirror(mirror).build())) {
      for (int i = 0; i < 5; i++) {
        sink.record(write(i));
      }
    }
    Files.delete(log());
    Files.delete(JsonLinesSink.defaultCheckpoint(log()));

    AuditVerification result = AuditVerifier.verify(log(), KEY, List.of(mirror));

    assertFalse(result.ok());
    assertEquals(1, result.firstBadLine());
    assertTrue(result.reason().contains("the log is gone"), result.reason());
    assertTrue(result.reason().contains(mirrorPath.toString()), result.reason());
    // and the next writer does not start a fresh chain over the evidence
    JsonLinesOptions again = manual().everyEvent().mirror(mirror).build();
    assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(log(), KEY, again));
    // without the mirror, that deletion is undetectable (docs/AUDIT.md says so)
    assertThrows(
        dev.strongroom.exception.NotFoundException.class, () -> AuditVerifier.verify(log(), KEY));
  }

  @Test
  void backendMirror_writesUnderTheReservedName_andDetectsATruncatedLog() throws IOException {
    MemorySecretStore store = MemorySecretStore.create(clock);
    AuditCheckpointStore mirror = AuditCheckpointStores.backend(store);
    try (AuditSink sink =
        AuditSinks.jsonLines(log(), KEY, manual().everyEvent().mirror(mirror).build())) {
      for (int i = 0; i < 4; i++) {
        sink.record(write(i));
      }
    }
    assertTrue(store.read(ReadRequest.current(".strongroom/audit/checkpoint")).isPresent());
    List<String> kept = Files.readAllLines(log(), StandardCharsets.UTF_8).subList(0, 2);
    Files.write(log(), kept, StandardCharsets.UTF_8);
    Files.delete(JsonLinesSink.defaultCheckpoint(log()));

    AuditVerification result = AuditVerifier.verify(log(), KEY, List.of(mirror));

    assertFalse(result.ok());
    assertEquals(3, result.firstBadLine());
    assertTrue(result.reason().startsWith("lines 3..4 are missing"), result.reason());
  }

  @Test
  void olderCheckpointPutBackWithACutLog_undetectableLocally_detectedByTheMirror()
      throws IOException {
    Path mirrorPath = dir.resolve("mirror.checkpoint");
    AuditCheckpointStore mirror = AuditCheckpointStores.file(mirrorPath);
    Path cp = JsonLinesSink.defaultCheckpoint(log());
    Path savedCp = dir.resolve("saved.checkpoint");
    Path savedLog = dir.resolve("saved.jsonl");
    JsonLinesOptions options = manual().everyEvent().mirror(mirror).build();
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, options)) {
      for (int i = 0; i < 3; i++) {
        sink.record(write(i));
      }
    }
    Files.copy(cp, savedCp); // the attacker keeps genuine copies...
    Files.copy(log(), savedLog);
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, options)) {
      sink.record(write(3)); // ...and later wants this line gone
    }
    Files.copy(savedCp, cp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(savedLog, log(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertTrue(AuditVerifier.verify(log(), KEY).ok(), "documented as undetectable locally");
    AuditVerification withMirror = AuditVerifier.verify(log(), KEY, List.of(mirror));
    assertFalse(withMirror.ok());
    assertTrue(withMirror.reason().startsWith("line 4 is missing"), withMirror.reason());
  }

  @Test
  void backendMirror_wiredThroughARoom_keepsTheRoomsHeadInItsOwnBackend() throws IOException {
    dev.strongroom.internal.memory.MemoryBackend backend =
        dev.strongroom.internal.memory.MemoryBackend.create(clock);
    AuditCheckpointStore mirror = AuditCheckpointStores.backend(backend.secrets());
    AuditSink sink = AuditSinks.jsonLines(log(), KEY, manual().mirror(mirror).build());
    try (dev.strongroom.Strongroom room =
        dev.strongroom.Strongroom.builder().backend(backend).clock(clock).audit(sink).build()) {
      room.put("db/pw", SecretValue.ofUtf8("v"));
      room.secret("db/pw").wipe();
      room.secret("db/pw").wipe();
    }
    long lines = Files.readAllLines(log(), StandardCharsets.UTF_8).size();
    assertEquals(lines, mirror.read().orElseThrow().seq());
    Files.delete(log());
    Files.delete(JsonLinesSink.defaultCheckpoint(log()));

    AuditVerification result = AuditVerifier.verify(log(), KEY, List.of(mirror));
    assertFalse(result.ok());
    assertTrue(result.reason().contains("the log is gone"), result.reason());
  }

  @Test
  void mirror_isWrittenAtMostEveryMirrorInterval_andAtClose() {
    AtomicInteger writes = new AtomicInteger();
    AuditCheckpointStore counting = new CountingStore(writes, new AtomicBoolean());
    try (AuditSink sink =
        AuditSinks.jsonLines(
            log(),
            KEY,
            manual()
                .everyEvent()
                .mirror(counting)
                .mirrorInterval(Duration.ofSeconds(10))
                .build())) {
      sink.record(write(0)); // first write: mirrored
      clock.advance(Duration.ofSeconds(5));
      sink.record(write(1)); // within the interval: not mirrored
      assertEquals(1, writes.get());
      clock.advance(Duration.ofSeconds(6));
      sink.record(write(2)); // interval passed
      assertEquals(2, writes.get());
    }
    assertEquals(3, writes.get()); // and at close
  }

  @Test
  void failingMirror_isReportedAndRecorded_butNeverRefuses() throws IOException {
    AtomicBoolean down = new AtomicBoolean(true);
    AuditCheckpointStore flaky = new CountingStore(new AtomicInteger(), down);
    List<String> heard = new ArrayList<>();
    AuditSinkListener listener =
        new AuditSinkListener() {
          @Override
          public void mirrorFailed(AuditCheckpointStore mirror, RuntimeException cause) {
            heard.add("failed " + cause.getClass().getSimpleName());
          }

          @Override
          public void mirrorRecovered(AuditCheckpointStore mirror) {
            heard.add("recovered");
          }
        };
    try (AuditSink sink =
        AuditSinks.jsonLines(
            log(),
            KEY,
            manual()
                .mirror(flaky)
                .mirrorInterval(Duration.ofSeconds(1))
                .listener(listener)
                .build())) {
      sink.record(write(0)); // not refused although the mirror is down
      sink.record(read("a"));
      clock.advance(Duration.ofSeconds(2));
      sink.flush(); // still down: reported once, not again
      down.set(false);
      clock.advance(Duration.ofSeconds(2));
      sink.flush();
    }

    assertEquals(List.of("failed BackendUnavailableException", "recovered"), heard);
    List<String> notes =
        lines(log()).stream()
            .filter(n -> n.get("operation").asText().equals("audit.checkpoint.mirror"))
            .map(n -> n.get("outcome").asText())
            .collect(Collectors.toList());
    assertEquals(List.of("ERROR", "OK"), notes);
    assertTrue(AuditVerifier.verify(log(), KEY).ok());
  }

  @Test
  void checkpointElsewhere_isUsedByTheSinkAndTheVerifier() throws IOException {
    Path cp = dir.resolve("other").resolve("head.cp");
    Files.createDirectories(cp.getParent());
    try (AuditSink sink =
        AuditSinks.jsonLines(log(), KEY, manual().everyEvent().checkpointFile(cp).build())) {
      sink.record(write(0));
      sink.record(write(1));
    }
    assertTrue(AuditVerifier.verify(log(), cp, KEY, List.of()).ok());
    List<String> kept = Files.readAllLines(log(), StandardCharsets.UTF_8).subList(0, 1);
    Files.write(log(), kept, StandardCharsets.UTF_8);

    assertEquals(2, AuditVerifier.verify(log(), cp, KEY, List.of()).firstBadLine());
  }

  // ---- torn tails

  @Test
  void tornTail_notYetRepaired_isAWarningWithItsOffset() throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(0));
    }
    long offset = Files.size(log());
    Files.write(log(), "{\"seq\":2,\"ti".getBytes(StandardCharsets.UTF_8), appendOption());

    AuditVerification result = AuditVerifier.verify(log(), KEY);

    assertTrue(result.ok(), result.reason());
    assertEquals(1, result.lineCount());
    assertEquals(2, result.warnings().get(0).line());
    assertTrue(result.warnings().get(0).message().contains("12 bytes at offset " + offset));
  }

  @Test
  void tornTail_ofALineTheCheckpointRecords_isTamperingNotACrash() throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, false)) {
      sink.record(write(0));
      sink.record(write(1));
    }
    byte[] bytes = Files.readAllBytes(log());
    Files.write(log(), java.util.Arrays.copyOf(bytes, bytes.length - 20));

    assertFalse(AuditVerifier.verify(log(), KEY).ok());
    assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(log(), KEY, false));
  }

  private static java.nio.file.OpenOption appendOption() {
    return java.nio.file.StandardOpenOption.APPEND;
  }

  // ---- aggregation and its fail-closed rule

  @Test
  void aggregating_countsPerPrincipalNameAndOutcome_withFirstAndLastTime() throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, manual().build())) {
      sink.record(read("a"));
      clock.advance(Duration.ofSeconds(3));
      sink.record(read("a"));
      sink.record(read("b"));
      sink.record(AuditEvent.of(clock.instant(), "a", "read", "db/pw", Outcome.DENIED));
      sink.record(write(9)); // not aggregated: commits the group, then itself
    }

    List<JsonNode> lines = lines(log());
    assertEquals(4, lines.size());
    JsonNode a = lines.get(0);
    assertEquals("a", a.get("principal").asText());
    assertEquals(2, a.get("count").asLong());
    assertEquals(T0.toString(), a.get("first").asText());
    assertEquals(T0.plusSeconds(3).toString(), a.get("last").asText());
    assertEquals(1, lines.get(1).get("count").asLong());
    assertEquals("DENIED", lines.get(2).get("outcome").asText());
    assertEquals("write", lines.get(3).get("operation").asText());
    assertFalse(lines.get(3).has("count"));
  }

  @Test
  void aggregating_flushFails_refusesUntilTheSinkRecovers_losingNothing() throws IOException {
    AtomicBoolean diskFull = new AtomicBoolean();
    JsonLinesSink sink = (JsonLinesSink) AuditSinks.jsonLines(log(), KEY, manual().build());
    JsonLinesSink.LogWriter real = sink.writer;
    sink.writer =
        (channel, bytes) -> {
          if (diskFull.get()) {
            // half a line reaches the disk, then the device is full
            bytes.limit(bytes.position() + bytes.remaining() / 2);
            real.write(channel, bytes);
            throw new IOException("No space left on device");
          }
          real.write(channel, bytes);
        };
    sink.record(read("a"));
    diskFull.set(true);

    assertThrows(AccessDeniedException.class, sink::flush);
    AccessDeniedException refused =
        assertThrows(AccessDeniedException.class, () -> sink.record(read("b")));
    assertTrue(refused.getMessage().contains("last write failed"), refused.getMessage());
    assertThrows(AccessDeniedException.class, () -> sink.record(read("c")));

    diskFull.set(false);
    sink.record(read("d")); // the caller's own commit succeeds: accepted
    sink.close();

    List<String> principals =
        lines(log()).stream().map(n -> n.get("principal").asText()).collect(Collectors.toList());
    assertEquals(List.of("a", "d"), principals);
    AuditVerification result = AuditVerifier.verify(log(), KEY);
    assertTrue(result.ok(), result.reason());
    assertEquals(List.of(), result.warnings());
  }

  @Test
  void aggregating_flushLagsMoreThanAnInterval_refusesWhileTheFlushHangs() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean();
    JsonLinesSink sink = (JsonLinesSink) AuditSinks.jsonLines(log(), KEY, manual().build());
    JsonLinesSink.LogWriter real = sink.writer;
    sink.writer =
        (channel, bytes) -> {
          if (hang.getAndSet(false)) {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          real.write(channel, bytes);
        };
    sink.record(read("a")); // opens the window at T0
    clock.advance(Duration.ofSeconds(20)); // exactly two intervals: still accepted
    sink.record(read("b"));
    hang.set(true); // the next commit hangs on a slow disk...
    Thread flusher = new Thread(() -> sink.record(write(2)));
    flusher.start();
    writing.await();
    // ...while the group opened now is due at +10 s and lags past +20 s
    sink.record(read("c"));
    clock.advance(Duration.ofSeconds(21));

    AccessDeniedException refused =
        assertThrows(AccessDeniedException.class, () -> sink.record(read("d")));
    assertTrue(refused.getMessage().contains("behind"), refused.getMessage());

    release.countDown();
    flusher.join();
    sink.record(read("e")); // the lagging group commits on the caller's thread: accepted
    sink.close();
    assertTrue(AuditVerifier.verify(log(), KEY).ok());
  }

  @Test
  void interruptedCaller_isStillRecorded_keepsItsInterrupt_andTearsNothing() throws IOException {
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, manual().build())) {
      Thread.currentThread().interrupt();
      try {
        sink.record(write(0));
        sink.record(read("a"));
        sink.flush();
        assertTrue(Thread.currentThread().isInterrupted());
      } finally {
        Thread.interrupted();
      }
      sink.record(write(1));
    }

    assertEquals(3, lines(log()).size());
    AuditVerification result = AuditVerifier.verify(log(), KEY);
    assertTrue(result.ok(), result.reason());
    assertEquals(List.of(), result.warnings());
  }

  @Test
  void everyEvent_concurrentWriters_shareOneGroupCommit() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    JsonLinesSink sink =
        (JsonLinesSink) AuditSinks.jsonLines(log(), KEY, manual().everyEvent().build());
    JsonLinesSink.LogWriter real = sink.writer;
    sink.writer =
        (channel, bytes) -> {
          if (writes.incrementAndGet() == 1) {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          real.write(channel, bytes);
        };
    Thread a = new Thread(() -> sink.record(write(0)));
    a.start();
    writing.await(); // a's commit is on the disk; b and c queue behind it
    Thread b = new Thread(() -> sink.record(write(1)));
    Thread c = new Thread(() -> sink.record(write(2)));
    b.start();
    c.start();
    while (sink.queued() < 2) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    release.countDown();
    a.join();
    b.join();
    c.join();
    sink.close();

    assertEquals(2, writes.get(), "b and c went out in one append");
    assertEquals(3, lines(log()).size());
    assertTrue(AuditVerifier.verify(log(), KEY).ok());
  }

  @Test
  void aggregating_backgroundThreadWritesWithoutAnyCall() throws Exception {
    AuditSink sink =
        AuditSinks.jsonLines(
            log(), KEY, JsonLinesOptions.builder().aggregate(Duration.ofMillis(20)).build());
    sink.record(AuditEvent.of(Instant.now(), "a", "read", "x", Outcome.OK));
    // poll (bounded) until the daemon's group commit shows in the file, then close
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Files.size(log()) == 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertEquals(1, lines(log()).size());
    sink.close();
  }

  // ---- roll-over

  @Test
  void rollover_bySize_continuesTheChainAcrossFiles_andVerifyFollowsIt() throws IOException {
    JsonLinesOptions options = manual().everyEvent().rollover(800, null).build();
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, options)) {
      for (int i = 0; i < 10; i++) {
        sink.record(write(i));
      }
    }
    List<Path> segments = segments();
    assertTrue(segments.size() >= 3, segments.toString());
    assertTrue(Files.size(log()) <= 800);
    assertEquals(new AuditVerification(true, 10, 0, ""), AuditVerifier.verify(log(), KEY));

    // a rolled-over file deleted in the middle of the chain is named
    Files.delete(segments.get(1));
    AuditVerification result = AuditVerifier.verify(log(), KEY);
    assertFalse(result.ok());
  }

  @Test
  void rollover_byTime_andReopenContinues() throws IOException {
    JsonLinesOptions options = manual().everyEvent().rollover(0, Duration.ofHours(1)).build();
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, options)) {
      sink.record(write(0));
      clock.advance(Duration.ofMinutes(30));
      sink.record(write(1));
    }
    clock.advance(Duration.ofMinutes(31));
    try (AuditSink sink = AuditSinks.jsonLines(log(), KEY, options)) {
      sink.record(new AuditEvent(clock.instant(), "svc", "write", "x", 1, Outcome.OK, ""));
    }
    assertEquals(1, segments().size());
    assertEquals(1, lines(log()).size());
    assertEquals(3, lines(log()).get(0).get("seq").asLong());
    assertTrue(AuditVerifier.verify(log(), KEY).ok());
    // the active file deleted after a roll-over: the checkpoint names the gap
    Files.delete(log());
    AuditVerification result = AuditVerifier.verify(log(), KEY);
    assertFalse(result.ok());
    assertEquals(3, result.firstBadLine());
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("audit\\.jsonl\\.\\d{19}"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  // ---- no links

  @Test
  void linkedCheckpoint_isRefused() throws IOException {
    Path outside = dir.resolve("outside");
    Files.writeString(outside, "x");
    Files.createSymbolicLink(JsonLinesSink.defaultCheckpoint(log()), outside);

    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> AuditSinks.jsonLines(log(), KEY, false));

    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals("x", Files.readString(outside));
  }

  /** A mirror in memory that counts writes and fails while {@code down}. */
  private static final class CountingStore implements AuditCheckpointStore {
    private final AtomicInteger writes;
    private final AtomicBoolean down;
    private volatile AuditCheckpoint last;

    CountingStore(AtomicInteger writes, AtomicBoolean down) {
      this.writes = writes;
      this.down = down;
    }

    @Override
    public Optional<AuditCheckpoint> read() {
      if (down.get()) {
        throw new BackendUnavailableException("mirror down");
      }
      return Optional.ofNullable(last);
    }

    @Override
    public void write(AuditCheckpoint checkpoint) {
      if (down.get()) {
        throw new BackendUnavailableException("mirror down");
      }
      writes.incrementAndGet();
      last = checkpoint;
    }

    @Override
    public String describe() {
      return "counting mirror";
    }
  }
}
