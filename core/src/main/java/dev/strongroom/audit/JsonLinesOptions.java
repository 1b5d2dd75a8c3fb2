package dev.strongroom.audit;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@linkplain AuditSinks#jsonLines(Path, dev.strongroom.SecretValue, JsonLinesOptions)
 * JSON-lines sink} writes: every event on its own line, or high-rate events aggregated per
 * interval; forcing to disk; roll-over; where the checkpoint goes and where it is mirrored. See
 * docs/AUDIT.md for what each choice detects and costs.
 *
 * <p>Immutable; safe to share between threads. Build with {@link #builder()}; {@link #defaults()}
 * aggregates the {@linkplain #DEFAULT_AGGREGATED high-rate operations} per second.
 */
public final class JsonLinesOptions {
  /**
   * The operations aggregated by default: reads (a cached read is the hot path), API-key
   * verifications and envelope messages. Every other operation (writes, rotations, leases, an
   * intent) is written on its own line before {@link AuditSink#record} returns.
   */
  public static final Set<String> DEFAULT_AGGREGATED =
      Set.of("read", "apikey.verify", "encrypt", "decrypt");

  /** The default aggregation interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** The default interval between writes of the checkpoint to its mirrors. */
  public static final Duration DEFAULT_MIRROR_INTERVAL = Duration.ofSeconds(10);

  private final Duration interval; // null: every event
  private final Set<String> aggregated;
  private final boolean fsync;
  private final Clock clock;
  private final boolean backgroundFlush;
  private final long rolloverBytes;
  private final Duration rolloverAge;
  private final Path checkpointFile;
  private final List<AuditCheckpointStore> mirrors;
  private final Duration mirrorInterval;
  private final AuditSinkListener listener;

  private JsonLinesOptions(Builder b) {
    this.interval = b.interval;
    this.aggregated = Set.copyOf(b.aggregated);
    this.fsync = b.fsync;
    this.clock = b.clock;
    this.backgroundFlush = b.backgroundFlush;
    this.rolloverBytes = b.rolloverBytes;
    this.rolloverAge = b.rolloverAge;
    this.checkpointFile = b.checkpointFile;
    this.mirrors = List.copyOf(b.mirrors);
    this.mirrorInterval = b.mirrorInterval;
    this.listener = b.listener;
  }

  /** Aggregating per {@link #DEFAULT_INTERVAL}, forced to disk at each commit, no roll-over. */
  public static JsonLinesOptions defaults() {
    return builder().build();
  }

  /** Every event on its own line, forced to disk if {@code fsync}: the behaviour before options. */
  public static JsonLinesOptions everyEvent(boolean fsync) {
    return builder().everyEvent().fsync(fsync).build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The aggregation interval, or empty in every-event mode. */
  public Optional<Duration> interval() {
    return Optional.ofNullable(interval);
  }

  /** The operations aggregated (ignored in every-event mode). */
  public Set<String> aggregated() {
    return aggregated;
  }

  /** Whether each commit is forced to the storage device. */
  public boolean fsync() {
    return fsync;
  }

  /** The clock of checkpoints, repairs, roll-over and aggregate flushes. */
  public Clock clock() {
    return clock;
  }

  /** Whether the sink runs its own daemon thread flushing every interval. */
  public boolean backgroundFlush() {
    return backgroundFlush;
  }

  /** Roll over once the active file would exceed this many bytes (0: never by size). */
  public long rolloverBytes() {
    return rolloverBytes;
  }

  /** Roll over once the active file's first line is this old, or empty: never by time. */
  public Optional<Duration> rolloverAge() {
    return Optional.ofNullable(rolloverAge);
  }

  /** The local checkpoint file, or empty for the default {@code <log>.checkpoint}. */
  public Optional<Path> checkpointFile() {
    return Optional.ofNullable(checkpointFile);
  }

  /** Where the checkpoint is mirrored. */
  public List<AuditCheckpointStore> mirrors() {
    return mirrors;
  }

  /** How often (at most) the mirrors are written, besides at close. */
  public Duration mirrorInterval() {
    return mirrorInterval;
  }

  /** Who is told about failures and recoveries. */
  public AuditSinkListener listener() {
    return listener;
  }

  /** Builds {@link JsonLinesOptions}. Not thread-safe. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private Set<String> aggregated = DEFAULT_AGGREGATED;
    private boolean fsync = true;
    private Clock clock = Clock.systemUTC();
    private boolean backgroundFlush = true;
    private long rolloverBytes;
    private Duration rolloverAge;
    private Path checkpointFile;
    private final List<AuditCheckpointStore> mirrors = new ArrayList<>();
    private Duration mirrorInterval = DEFAULT_MIRROR_INTERVAL;
    private AuditSinkListener listener = new AuditSinkListener() {};

    private Builder() {}

    /** Every event on its own line, written before {@link AuditSink#record} returns. */
    public Builder everyEvent() {
      this.interval = null;
      return this;
    }

    /**
     * Aggregates identical events of the {@link #aggregated(Set) aggregated operations} (same
     * principal, operation, resource, version, outcome and detail) into one line per {@code
     * interval}, with their count and first and last time.
     */
    public Builder aggregate(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /** Which operations are aggregated (default {@link #DEFAULT_AGGREGATED}). */
    public Builder aggregated(Set<String> operations) {
      this.aggregated = Set.copyOf(operations);
      return this;
    }

    /** Whether each commit (a line, or a group) is forced to the storage device (default yes). */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** The clock (default the system's UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether the sink flushes on its own daemon thread every interval (default yes). Without it,
     * aggregates are written by {@link AuditSink#flush()}, by a non-aggregated event, or at close;
     * tests drive it by hand.
     */
    public Builder backgroundFlush(boolean backgroundFlush) {
      this.backgroundFlush = backgroundFlush;
      return this;
    }

    /**
     * Rolls the log over (renames it {@code <log>.<last line number, 19 digits>} and starts a new
     * one that continues the chain) before a write would take it past {@code maxBytes} (0: never by
     * size) or once its first line is older than {@code maxAge} (null: never by time).
     */
    public Builder rollover(long maxBytes, Duration maxAge) {
      if (maxBytes < 0) {
        throw new IllegalArgumentException("expected maxBytes >= 0 but was " + maxBytes);
      }
      this.rolloverBytes = maxBytes;
      this.rolloverAge = maxAge == null ? null : positive(maxAge, "maxAge");
      return this;
    }

    /** Where the local checkpoint is kept (default {@code <log>.checkpoint}, beside the log). */
    public Builder checkpointFile(Path file) {
      this.checkpointFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Adds a mirror of the checkpoint (a second file, {@link AuditCheckpointStores#backend a
     * backend}). A mirror that fails is reported, never refuses an event.
     */
    public Builder mirror(AuditCheckpointStore mirror) {
      this.mirrors.add(Objects.requireNonNull(mirror, "mirror"));
      return this;
    }

    /** How often (at most) the mirrors are written, besides at close (default 10 s). */
    public Builder mirrorInterval(Duration interval) {
      this.mirrorInterval = positive(interval, "mirrorInterval");
      return this;
    }

    /** Who is told about failures and recoveries. */
    public Builder listener(AuditSinkListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The options. */
    public JsonLinesOptions build() {
      return new JsonLinesOptions(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("expected a positive " + what + " but was " + d);
      }
      return d;
    }
  }
}
