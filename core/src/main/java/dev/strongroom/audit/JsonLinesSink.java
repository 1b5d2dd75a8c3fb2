package dev.strongroom.audit;

import dev.strongroom.SecretValue;
import dev.strongroom.exception.AccessDeniedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hash-chained JSON-lines sink (format in {@link AuditChain}).
 *
 * <p>Design. Two locks: {@code this} guards the pending aggregates and the health flags and is held
 * only for map updates; {@code io} guards the files (the log's channel, the chain's head, the
 * checkpoint) and is held for a whole commit. A commit takes the pending aggregates, builds their
 * lines (and those of the non-aggregated events queued by every thread waiting to commit: group
 * commit), writes them with one append, forces them if asked, then writes the local checkpoint
 * (line first, checkpoint second: a crash between them leaves the log ahead of the checkpoint,
 * which verifies with a warning; never the reverse). Mirrors are written at most every mirror
 * interval and at close; a failing mirror is reported and recorded in the log, never refused. On
 * open (and after a failed write that could not be undone) the files are re-read: the chain
 * verified across rolled-over files, compared with every checkpoint, a torn final line cut off and
 * recorded as a repair.
 *
 * <p>Fail-closed rule of an aggregating sink (also in docs/AUDIT.md): an aggregated event is
 * accepted only if the last commit did not fail and the oldest pending aggregate is no more than
 * two intervals old (its flush, due one interval after it, is at most one interval late), both by
 * the events' own times. Otherwise the caller tries one commit itself (unless another is running);
 * if that succeeds the event is accepted, else it is refused with {@link AccessDeniedException}. A
 * failed group is kept in memory and written by the next successful commit.
 *
 * <p>Thread-safe.
 */
final class JsonLinesSink implements AuditSink {
  static final int MAX_PENDING = 4096;

  /** How bytes reach the log; replaced by tests to fail or block on purpose. */
  interface LogWriter {
    void write(FileChannel channel, ByteBuffer bytes) throws IOException;
  }

  static final LogWriter DIRECT =
      (channel, bytes) -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      };

  /**
   * Identical events (all but the time): the aggregation key. Mutable only as the sink's lookup
   * probe (guarded by the sink), so a hit allocates nothing; the map holds copies.
   */
  private static final class Key {
    private String principal;
    private String operation;
    private String resource;
    private long version;
    private AuditEvent.Outcome outcome;
    private String detail;
    private int hash;

    Key set(AuditEvent e) {
      principal = e.principal();
      operation = e.operation();
      resource = e.resource();
      version = e.version();
      outcome = e.outcome();
      detail = e.detail();
      int h = principal.hashCode();
      h = 31 * h + operation.hashCode();
      h = 31 * h + resource.hashCode();
      h = 31 * h + Long.hashCode(version);
      h = 31 * h + outcome.ordinal();
      hash = 31 * h + detail.hashCode();
      return this;
    }

    Key copy() {
      Key k = new Key();
      k.principal = principal;
      k.operation = operation;
      k.resource = resource;
      k.version = version;
      k.outcome = outcome;
      k.detail = detail;
      k.hash = hash;
      return k;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return hash == k.hash
          && version == k.version
          && outcome == k.outcome
          && principal.equals(k.principal)
          && operation.equals(k.operation)
          && resource.equals(k.resource)
          && detail.equals(k.detail);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A non-aggregated event waiting for a group commit; fields guarded by the io lock. */
  private static final class Ticket {
    final AuditEvent event;
    boolean done;
    RuntimeException failure;

    Ticket(AuditEvent event) {
      this.event = event;
    }
  }

  /** Identical events seen in the current interval. */
  private static final class Aggregate {
    final AuditEvent event; // the first
    long count;
    Instant first;
    Instant last;

    Aggregate(AuditEvent event) {
      this.event = event;
      this.first = event.time();
      this.last = event.time();
    }

    void add(AuditEvent e, long n) {
      count += n;
      if (e.time().isBefore(first)) {
        first = e.time();
      }
      if (e.time().isAfter(last)) {
        last = e.time();
      }
    }
  }

  private final Path file;
  private final AuditChain chain;
  private final JsonLinesOptions options;
  private final Duration interval; // null: every event
  private final long twiceIntervalNanos;
  private final CheckpointFile local;
  private final ReentrantLock io = new ReentrantLock();
  volatile LogWriter writer = DIRECT;

  // guarded by io
  private FileChannel channel; // null when closed, or after a write that could not be undone
  private long seq;
  private String prev;
  private long size;
  private Instant fileStarted;
  private Instant lastMirror;
  private final Map<AuditCheckpointStore, Boolean> mirrorFailing = new IdentityHashMap<>();

  // guarded by this
  private final LinkedHashMap<Key, Aggregate> pending = new LinkedHashMap<>();
  private final Key probe = new Key();
  private final List<Ticket> queue = new ArrayList<>();
  private Aggregate lastAggregate; // the last one added to, while it is pending
  private Instant windowStart;
  private RuntimeException failure;
  private boolean closed;

  private final ScheduledExecutorService flusher;

  /** See {@link #aggregated}; null until an aggregated event came. */
  private String lastAggregated;

  private JsonLinesSink(Path file, AuditChain chain, JsonLinesOptions options) {
    this.file = file;
    this.chain = chain;
    this.options = options;
    this.interval = options.interval().orElse(null);
    this.twiceIntervalNanos = interval == null ? 0 : saturatedNanos(interval.multipliedBy(2));
    this.local =
        new CheckpointFile(
            options.checkpointFile().orElse(defaultCheckpoint(file)), options.fsync());
    if (interval != null && options.backgroundFlush()) {
      flusher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "strongroom-audit-flush");
                t.setDaemon(true);
                return t;
              });
    } else {
      flusher = null;
    }
  }

  /**
   * Whether events of {@code operation} are aggregated; the last operation found so is remembered
   * (racily: a String is immutable) and compared by reference first, sparing the set lookup on the
   * hot path.
   */
  @SuppressWarnings("ReferenceEquality") // by reference on purpose, then by the set
  private boolean aggregated(String operation) {
    if (operation == lastAggregated) {
      return true;
    }
    if (options.aggregated().contains(operation)) {
      lastAggregated = operation;
      return true;
    }
    return false;
  }

  /** Whether the two events are the same access (by reference for the strings), times aside. */
  @SuppressWarnings("ReferenceEquality") // by reference on purpose: the hot path's fast check
  private static boolean sameButTime(AuditEvent a, AuditEvent b) {
    return a.principal() == b.principal()
        && a.operation() == b.operation()
        && a.resource() == b.resource()
        && a.detail() == b.detail()
        && a.version() == b.version()
        && a.outcome() == b.outcome();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static AuditEvent at(AuditEvent e, Instant time) {
    return new AuditEvent(
        time, e.principal(), e.operation(), e.resource(), e.version(), e.outcome(), e.detail());
  }

  static Path defaultCheckpoint(Path log) {
    return log.resolveSibling(log.getFileName() + ".checkpoint");
  }

  static JsonLinesSink open(Path file, SecretValue key, JsonLinesOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    JsonLinesSink sink = new JsonLinesSink(file, AuditChain.create(key), options);
    sink.io.lock();
    try {
      sink.sync();
    } catch (RuntimeException e) {
      sink.shutdownFlusher();
      throw e;
    } finally {
      sink.io.unlock();
    }
    if (sink.flusher != null) {
      long ms = Math.max(1, sink.interval.toMillis());
      var unused =
          sink.flusher.scheduleWithFixedDelay(sink::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
    return sink;
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (interval == null || !aggregated(event.operation())) {
      synchronized (this) {
        checkOpen();
      }
      commit(event);
      return;
    }
    boolean full;
    synchronized (this) {
      checkOpen();
      if (failure == null && !overdue(event.time())) {
        add(event, 1);
        return;
      }
      full = false;
      if (failure == null && pending.size() >= MAX_PENDING) {
        full = true;
      }
    }
    if (full) {
      commit(null);
      synchronized (this) {
        add(event, 1);
      }
      return;
    }
    // failing or lagging: the caller tries one commit itself, unless one is running
    if (!io.tryLock()) {
      throw refused(null);
    }
    try {
      commitLocked();
    } catch (AccessDeniedException e) {
      throw refused(e);
    } finally {
      io.unlock();
    }
    synchronized (this) {
      checkOpen();
      add(event, 1);
    }
  }

  private AccessDeniedException refused(RuntimeException cause) {
    RuntimeException why;
    synchronized (this) {
      why = failure;
    }
    String reason =
        why != null
            ? "its last write failed (" + why.getMessage() + ")"
            : "it is more than one interval (" + interval + ") behind";
    AccessDeniedException e =
        new AccessDeniedException(
            "refusing the access: the audit sink " + file + " cannot record it: " + reason,
            cause != null ? cause : why);
    return e;
  }

  /**
   * Whether the pending group, begun at {@code windowStart}, is overdue by more than an interval.
   */
  private boolean overdue(Instant now) {
    if (windowStart == null) {
      return false;
    }
    // allocation-free: this runs on every aggregated event
    long seconds = now.getEpochSecond() - windowStart.getEpochSecond();
    if (Math.abs(seconds) > 1_000_000) {
      return seconds > 0 && twiceIntervalNanos < Long.MAX_VALUE;
    }
    long nanos = seconds * 1_000_000_000L + (now.getNano() - windowStart.getNano());
    return nanos > twiceIntervalNanos;
  }

  private void add(AuditEvent event, long n) {
    if (pending.isEmpty() || windowStart == null) {
      windowStart = event.time();
    }
    Aggregate last = lastAggregate;
    if (last != null && sameButTime(last.event, event)) {
      last.add(event, n); // the hot path: the same access again, compared by reference
      return;
    }
    Aggregate aggregate = pending.get(probe.set(event));
    if (aggregate == null) {
      aggregate = new Aggregate(event);
      pending.put(probe.copy(), aggregate);
    }
    aggregate.add(event, n);
    lastAggregate = aggregate;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("expected an open audit sink but it was closed");
    }
  }

  /** Writes the pending aggregates now, and forces them to disk if the sink forces commits. */
  @Override
  public void flush() {
    synchronized (this) {
      checkOpen();
    }
    commit(null);
  }

  private void flushQuietly() {
    try {
      commit(null);
    } catch (RuntimeException e) {
      // recorded as the sink's failure and reported to the listener by commitLocked
    }
  }

  /**
   * Commits {@code immediate} (if any) with everything pending. Group commit: the event joins a
   * queue; whichever thread holds the file lock next writes the whole queue (and the pending
   * aggregates) with one append and one force, so concurrent writers share a force; the others find
   * their event written (or its failure) when they get the lock.
   */
  private void commit(AuditEvent immediate) {
    Ticket ticket = null;
    if (immediate != null) {
      ticket = new Ticket(immediate);
      synchronized (this) {
        queue.add(ticket);
      }
    }
    io.lock();
    try {
      if (ticket == null || !ticket.done) {
        commitLocked();
      }
    } finally {
      io.unlock();
    }
    if (ticket != null && ticket.failure != null) {
      throw ticket.failure;
    }
  }

  /** How many events wait for a commit (tests). */
  synchronized int queued() {
    return queue.size();
  }

  /**
   * One group commit; io held. A {@link FileChannel} closes itself when the writing thread is
   * interrupted, so the caller's interrupt status is set aside for the commit and restored after:
   * an interrupted request thread must neither lose the log's channel nor tear a line.
   */
  private void commitLocked() {
    boolean interrupted = Thread.interrupted();
    try {
      commitUninterrupted();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void commitUninterrupted() {
    List<Map.Entry<Key, Aggregate>> batch;
    List<Ticket> tickets;
    synchronized (this) {
      batch = new ArrayList<>(pending.entrySet());
      pending.clear();
      lastAggregate = null;
      windowStart = null;
      tickets = new ArrayList<>(queue);
      queue.clear();
    }
    List<Object> items = new ArrayList<>(batch.size() + tickets.size());
    for (Map.Entry<Key, Aggregate> e : batch) {
      items.add(e.getValue());
    }
    for (Ticket t : tickets) {
      items.add(t.event);
    }
    boolean wasFailing;
    synchronized (this) {
      wasFailing = failure != null;
    }
    try {
      if (channel == null) {
        sync();
      }
      append(items);
      mirrorIfDue(false);
    } catch (RuntimeException e) {
      synchronized (this) {
        for (Map.Entry<Key, Aggregate> entry : batch) {
          Aggregate a = entry.getValue();
          Aggregate merged = pending.computeIfAbsent(entry.getKey(), k -> new Aggregate(a.event));
          merged.add(at(a.event, a.first), 0);
          merged.add(at(a.event, a.last), a.count);
          if (windowStart == null || a.first.isBefore(windowStart)) {
            windowStart = a.first;
          }
        }
        failure = e;
      }
      RuntimeException failure =
          e instanceof AccessDeniedException
              ? e
              : new AccessDeniedException("could not write audit log " + file, e);
      for (Ticket t : tickets) {
        t.done = true;
        t.failure = failure;
      }
      options.listener().writeFailed(e);
      throw failure;
    }
    for (Ticket t : tickets) {
      t.done = true;
    }
    if (wasFailing) {
      synchronized (this) {
        failure = null;
      }
      options.listener().recovered();
    } else {
      synchronized (this) {
        failure = null;
      }
    }
  }

  /** Appends the lines of {@code items} (aggregates, events) and checkpoints; io held. */
  private void append(List<Object> items) {
    if (items.isEmpty()) {
      return;
    }
    Instant now = options.clock().instant();
    rollIfDue(now, 0);
    StringBuilder text = new StringBuilder();
    long next = seq;
    String head = prev;
    Instant firstTime = null;
    for (Object item : items) {
      String line;
      if (item instanceof Aggregate) {
        Aggregate a = (Aggregate) item;
        line = chain.line(++next, at(a.event, a.first), head, a.count, a.first, a.last);
        firstTime = firstTime == null ? a.first : firstTime;
      } else {
        AuditEvent e = (AuditEvent) item;
        line = chain.line(++next, e, head);
        firstTime = firstTime == null ? e.time() : firstTime;
      }
      head = AuditChain.hash(line);
      text.append(line).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    rollIfDue(now, bytes.length); // the chain simply continues in the new file
    try {
      writer.write(channel, ByteBuffer.wrap(bytes));
      if (options.fsync()) {
        channel.force(false);
      }
    } catch (IOException | RuntimeException e) {
      undo(e);
      throw new AccessDeniedException("could not write audit log " + file, e);
    }
    if (size == 0) {
      fileStarted = firstTime;
    }
    size += bytes.length;
    seq = next;
    prev = head;
    checkpoint(now);
  }

  /** After a failed append: cut the file back to the last good line, or re-read it later. */
  private void undo(Exception cause) {
    try {
      channel.truncate(size);
      if (channel.size() == size) {
        return;
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    closeChannel();
  }

  private void checkpoint(Instant now) {
    local.write(chain.checkpoint(seq, prev, now));
  }

  /** Writes the mirrors if the mirror interval has passed (or {@code force}); io held. */
  private void mirrorIfDue(boolean force) {
    if (options.mirrors().isEmpty()) {
      return;
    }
    Instant now = options.clock().instant();
    if (!force
        && lastMirror != null
        && Duration.between(lastMirror, now).compareTo(options.mirrorInterval()) < 0) {
      return;
    }
    lastMirror = now;
    AuditCheckpoint checkpoint = chain.checkpoint(seq, prev, now);
    for (AuditCheckpointStore mirror : options.mirrors()) {
      boolean failing = mirrorFailing.getOrDefault(mirror, false);
      try {
        mirror.write(checkpoint);
        if (failing) {
          mirrorFailing.put(mirror, false);
          note(now, AuditEvent.Outcome.OK, mirror, "mirror recovered");
          options.listener().mirrorRecovered(mirror);
        }
      } catch (RuntimeException e) {
        if (!failing) {
          mirrorFailing.put(mirror, true);
          note(now, AuditEvent.Outcome.ERROR, mirror, "mirror failed: " + e.getClass().getName());
          options.listener().mirrorFailed(mirror, e);
        }
      }
    }
  }

  /** Records a note about a mirror in the log itself (io held; the local checkpoint follows). */
  private void note(
      Instant now, AuditEvent.Outcome outcome, AuditCheckpointStore mirror, String d) {
    append(
        List.of(
            new AuditEvent(
                now, "strongroom", "audit.checkpoint.mirror", mirror.describe(), 0, outcome, d)));
  }

  /** Rolls the active file over if it is due; io held. Returns whether it did. */
  private boolean rollIfDue(Instant now, long adding) {
    if (size == 0) {
      return false;
    }
    boolean bySize = options.rolloverBytes() > 0 && size + adding > options.rolloverBytes();
    boolean byAge =
        options.rolloverAge().isPresent()
            && fileStarted != null
            && Duration.between(fileStarted, now).compareTo(options.rolloverAge().get()) >= 0;
    if (!bySize && !byAge) {
      return false;
    }
    try {
      channel.force(true);
      closeChannel();
      Files.move(
          file,
          AuditFiles.segment(file, seq),
          StandardCopyOption.ATOMIC_MOVE,
          LinkOption.NOFOLLOW_LINKS);
      channel = AuditFiles.openWrite(file, true);
      size = 0;
      fileStarted = null;
      return true;
    } catch (IOException e) {
      closeChannel();
      throw new AccessDeniedException("could not roll over audit log " + file, e);
    }
  }

  /**
   * Reads the files as they are and positions the sink after the last good line: verifies the chain
   * and every checkpoint, cuts off a torn final line and records the repair; io held.
   */
  private void sync() {
    closeChannel();
    ChainCheck.Result check;
    Map<AuditCheckpointStore, RuntimeException> unreadable = new IdentityHashMap<>();
    try {
      check = ChainCheck.run(file, chain, local, options.mirrors(), unreadable::put);
    } catch (IOException e) {
      throw new AccessDeniedException("could not read audit log " + file, e);
    }
    AuditVerification result = check.verification();
    if (!result.ok()) {
      throw new AccessDeniedException(
          "refusing to append to audit log "
              + file
              + ": line "
              + result.firstBadLine()
              + " does not verify ("
              + result.reason()
              + ")");
    }
    AuditChain.Scan scan = check.scan();
    try {
      channel = AuditFiles.openWrite(file, true);
      seq = scan.lines;
      prev = scan.lastHash;
      boolean activeScanned = check.files().activeExists();
      size = activeScanned ? scan.lastFileBytes : 0;
      fileStarted = activeScanned ? scan.lastFileFirstTime : null;
      if (scan.torn != null) {
        channel.truncate(scan.torn.offset());
        if (options.fsync()) {
          channel.force(true);
        }
        Instant now = options.clock().instant();
        append(
            List.of(
                new AuditEvent(
                    now,
                    "strongroom",
                    AuditChain.REPAIR,
                    file.getFileName().toString(),
                    0,
                    AuditEvent.Outcome.OK,
                    "repaired torn tail: removed a partial line of "
                        + scan.torn.bytes()
                        + " bytes at offset "
                        + scan.torn.offset()
                        + " after line "
                        + scan.lines)));
      } else {
        checkpoint(options.clock().instant());
      }
      for (Map.Entry<AuditCheckpointStore, RuntimeException> e : unreadable.entrySet()) {
        if (!mirrorFailing.getOrDefault(e.getKey(), false)) {
          mirrorFailing.put(e.getKey(), true);
          note(
              options.clock().instant(),
              AuditEvent.Outcome.ERROR,
              e.getKey(),
              "mirror unreadable: " + e.getValue().getClass().getName());
          options.listener().mirrorFailed(e.getKey(), e.getValue());
        }
      }
    } catch (IOException e) {
      closeChannel();
      throw new AccessDeniedException("could not open audit log " + file, e);
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing after a failure or before a re-read: nothing more to lose
      }
      channel = null;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (flusher != null) {
      flusher.shutdown(); // a commit running on it finishes; it is never interrupted
    }
    io.lock();
    try {
      commitLocked();
      mirrorIfDue(true);
    } finally {
      closeChannel();
      local.close();
      io.unlock();
    }
  }

  private void shutdownFlusher() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "AuditSink[jsonLines "
        + file
        + (interval == null ? "" : ", aggregating " + interval)
        + "]";
  }
}
