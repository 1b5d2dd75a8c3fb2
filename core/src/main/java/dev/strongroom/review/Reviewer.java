package dev.strongroom.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.ProgressListener;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditCheckpointStore;
import dev.strongroom.audit.AuditVerification;
import dev.strongroom.audit.AuditVerifier;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs an access review of a room against its JSON-lines audit log (see the {@linkplain
 * dev.strongroom.review package} for what counts as a read).
 *
 * <p>The log is verified first; only the lines the verification covered are then read (lines
 * appended meanwhile are left for the next review), in order across rolled-over files, and each
 * must carry the sequence number it was verified under, else the review is refused as tampered.
 * Only reads of secrets the room lists are kept, so memory grows with the number of secrets. The
 * room sees the review's own {@code list}, {@code metadata} and key calls like any other.
 *
 * <p>Thread-safe (stateless).
 */
public final class Reviewer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEK_PREFIX = "kek/";
  private static final Set<String> KEK_CHANGES = Set.of("key.create", "key.rotate");

  private Reviewer() {}

  /**
   * Reviews {@code room} with the reads in {@code auditLog} (and its rolled-over files), verified
   * under {@code chainKey} against its local checkpoint.
   *
   * @throws TamperedException if the log does not verify or changed while it was read
   * @throws NotFoundException if neither the log nor its checkpoint exists
   * @throws StrongroomException if the log cannot be read
   */
  public static ReviewReport review(
      Strongroom room, Path auditLog, SecretValue chainKey, Clock clock, ReviewOptions options) {
    return review(room, auditLog, chainKey, List.of(), clock, options);
  }

  /**
   * As {@link #review(Strongroom, Path, SecretValue, Clock, ReviewOptions)}, also comparing the log
   * with the checkpoints in {@code mirrors}.
   */
  public static ReviewReport review(
      Strongroom room,
      Path auditLog,
      SecretValue chainKey,
      List<AuditCheckpointStore> mirrors,
      Clock clock,
      ReviewOptions options) {
    return review(room, auditLog, chainKey, mirrors, clock, options, ProgressListener.NONE);
  }

  /**
   * As {@link #review(Strongroom, Path, SecretValue, List, Clock, ReviewOptions)}, telling {@code
   * listener} how many of the verified audit lines were read (every 10,000 lines and at the end).
   */
  public static ReviewReport review(
      Strongroom room,
      Path auditLog,
      SecretValue chainKey,
      List<AuditCheckpointStore> mirrors,
      Clock clock,
      ReviewOptions options,
      ProgressListener listener) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(auditLog, "auditLog");
    Objects.requireNonNull(chainKey, "chainKey");
    Objects.requireNonNull(mirrors, "mirrors");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(options, "options");
    AuditVerification verification = AuditVerifier.verify(auditLog, chainKey, mirrors);
    if (!verification.ok()) {
      throw new TamperedException(
          "refusing to review: audit log "
              + auditLog
              + " does not verify at line "
              + verification.firstBadLine()
              + ": "
              + verification.reason());
    }
    Instant now = clock.instant();
    Map<String, Reads> reads = new TreeMap<>();
    for (String name : room.list("")) {
      reads.put(name, new Reads());
    }
    Map<String, Reads> kekRotations = new TreeMap<>();
    for (String name : room.keys().list()) {
      kekRotations.put(name, new Reads());
    }
    long lines =
        scan(auditLog, verification.lineCount(), reads, kekRotations, now, options, listener);

    List<ReviewReport.Secret> secrets = new ArrayList<>();
    List<ReviewReport.Finding> unused = new ArrayList<>();
    List<ReviewReport.Finding> stale = new ArrayList<>();
    Instant unusedCut = now.minus(options.unusedFor());
    Instant rotatedCut = now.minus(options.notRotatedFor());
    for (Map.Entry<String, Reads> e : reads.entrySet()) {
      String name = e.getKey();
      Reads r = e.getValue();
      SecretMetadata meta;
      try {
        meta = room.metadata(name);
      } catch (NotFoundException gone) {
        continue; // deleted since it was listed
      }
      Optional<SecretVersion> current = meta.withStage(Stage.CURRENT);
      if (current.isEmpty() && !meta.versions().isEmpty()) {
        current = Optional.of(meta.versions().get(meta.versions().size() - 1));
      }
      if (current.isEmpty()) {
        continue;
      }
      SecretVersion cur = current.get();
      Duration age = Duration.between(cur.created(), now);
      if (age.isNegative()) {
        age = Duration.ZERO;
      }
      Instant last = r.last;
      secrets.add(
          new ReviewReport.Secret(
              name,
              Optional.ofNullable(last),
              r.readers,
              r.inWindow,
              cur.version(),
              cur.created(),
              age));
      if (last == null) {
        unused.add(new ReviewReport.Finding(ReviewReport.Kind.UNUSED, name, "never read"));
      } else if (last.isBefore(unusedCut)) {
        unused.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.UNUSED,
                name,
                "last read " + last + ", " + Duration.between(last, now).toDays() + " days ago"));
      }
      if (cur.created().isBefore(rotatedCut)) {
        stale.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.NOT_ROTATED,
                name,
                "version "
                    + cur.version()
                    + " written "
                    + cur.created()
                    + ", "
                    + age.toDays()
                    + " days ago"));
      }
    }
    List<ReviewReport.Key> keys = new ArrayList<>();
    List<ReviewReport.Finding> staleKeys = new ArrayList<>();
    for (Map.Entry<String, Reads> e : kekRotations.entrySet()) {
      KeyInfo k;
      try {
        k = room.keys().describe(e.getKey());
      } catch (NotFoundException gone) {
        continue; // destroyed since it was listed
      }
      Instant rotated = e.getValue().last;
      keys.add(
          new ReviewReport.Key(
              e.getKey(),
              k.primaryVersion(),
              k.minDecryptionVersion(),
              k.versions().size(),
              Optional.ofNullable(rotated)));
      if (rotated == null) {
        staleKeys.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.KEY_NOT_ROTATED,
                e.getKey(),
                "no creation or rotation in the audit log (primary version "
                    + k.primaryVersion()
                    + ")"));
      } else if (rotated.isBefore(rotatedCut)) {
        staleKeys.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.KEY_NOT_ROTATED,
                e.getKey(),
                "last created or rotated "
                    + rotated
                    + ", "
                    + Duration.between(rotated, now).toDays()
                    + " days ago"));
      }
    }
    List<ReviewReport.Finding> findings = new ArrayList<>(unused);
    findings.addAll(stale);
    findings.addAll(staleKeys);
    findings.addAll(apiKeyFindings(room, now, unusedCut, rotatedCut));
    findings.addAll(leaseFindings(room, now));
    return new ReviewReport(now, options, lines, secrets, keys, findings);
  }

  /**
   * The room's check-out leases active at {@code now}, from their sealed records (a view, which has
   * no check-outs, has none).
   */
  private static List<ReviewReport.Finding> leaseFindings(Strongroom room, Instant now) {
    List<dev.strongroom.lease.Checkout> leases;
    try {
      leases = room.checkouts().list();
    } catch (IllegalStateException e) {
      return List.of();
    }
    List<ReviewReport.Finding> out = new ArrayList<>();
    for (dev.strongroom.lease.Checkout l : leases) {
      if (l.activeAt(now)) {
        out.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.LEASE_OUTSTANDING,
                "lease/" + l.id(),
                "on " + l.secret() + " v" + l.version() + ", ends " + l.expires()));
      }
    }
    return out;
  }

  /**
   * The room's active API keys that were not used, or not rotated, within the windows: from their
   * authenticated records (the room's own {@code apikey review} data), so nothing here depends on
   * the log. A room that never issued a key has none.
   */
  private static List<ReviewReport.Finding> apiKeyFindings(
      Strongroom room, Instant now, Instant unusedCut, Instant rotatedCut) {
    List<dev.strongroom.apikey.ApiKeyInfo> active;
    try {
      active =
          room.apiKeys().list(dev.strongroom.apikey.ApiKeyQuery.all()).stream()
              .filter(k -> k.active(now))
              .toList();
    } catch (NotFoundException e) {
      return List.of();
    }
    List<ReviewReport.Finding> unused = new ArrayList<>();
    List<ReviewReport.Finding> old = new ArrayList<>();
    for (dev.strongroom.apikey.ApiKeyInfo k : active) {
      String name = "apikey/" + k.id();
      Optional<Instant> used = k.lastUsed();
      if (used.isEmpty()) {
        unused.add(new ReviewReport.Finding(ReviewReport.Kind.API_KEY_UNUSED, name, "never used"));
      } else if (used.get().isBefore(unusedCut)) {
        unused.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.API_KEY_UNUSED,
                name,
                "last used "
                    + used.get()
                    + ", "
                    + Duration.between(used.get(), now).toDays()
                    + " days ago"));
      }
      if (k.created().isBefore(rotatedCut)) {
        old.add(
            new ReviewReport.Finding(
                ReviewReport.Kind.API_KEY_NOT_ROTATED,
                name,
                "issued "
                    + k.created()
                    + ", "
                    + Duration.between(k.created(), now).toDays()
                    + " days ago"));
      }
    }
    java.util.Comparator<ReviewReport.Finding> byName =
        java.util.Comparator.comparing(ReviewReport.Finding::name);
    unused.sort(byName);
    old.sort(byName);
    unused.addAll(old);
    return unused;
  }

  /** What the log says of one secret's reads. */
  private static final class Reads {
    @Nullable Instant last;
    final TreeSet<String> readers = new TreeSet<>();
    long inWindow;
  }

  /** Reads the first {@code verified} lines of the chain; returns how many were read. */
  private static long scan(
      Path active,
      long verified,
      Map<String, Reads> reads,
      Map<String, Reads> kekRotations,
      Instant now,
      ReviewOptions options,
      ProgressListener listener) {
    Instant windowStart = now.minus(options.window());
    long seq = 0;
    try {
      for (Path file : chainFiles(active)) {
        if (seq >= verified) {
          break;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          String line;
          while (seq < verified && (line = in.readLine()) != null) {
            seq++;
            if (seq % 10_000 == 0) {
              listener.progress(seq, verified);
            }
            JsonNode node = parse(line, seq, active);
            if (node.path("seq").asLong(-1) != seq) {
              throw changed(active, seq);
            }
            String operation = node.path("operation").asText();
            if (!"OK".equals(node.path("outcome").asText())) {
              continue;
            }
            if (KEK_CHANGES.contains(operation)) {
              String resource = node.path("resource").asText();
              Reads k =
                  resource.startsWith(KEK_PREFIX)
                      ? kekRotations.get(resource.substring(KEK_PREFIX.length()))
                      : null;
              if (k != null) {
                Instant t = time(node.get("time"), seq);
                if (k.last == null || t.isAfter(k.last)) {
                  k.last = t;
                }
              }
              continue;
            }
            if (!"read".equals(operation)) {
              continue;
            }
            Reads r = reads.get(node.path("resource").asText());
            String principal = node.path("principal").asText();
            if (r == null
                || (!options.readers().isEmpty() && !options.readers().contains(principal))) {
              continue;
            }
            long count = node.has("count") ? node.path("count").asLong(1) : 1;
            Instant last = time(node.has("last") ? node.get("last") : node.get("time"), seq);
            if (r.last == null || last.isAfter(r.last)) {
              r.last = last;
            }
            if (!last.isBefore(windowStart)) {
              r.readers.add(principal);
              r.inWindow += count;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new StrongroomException("could not read audit log " + active, e);
    }
    if (seq < verified) {
      throw changed(active, seq + 1);
    }
    listener.progress(seq, verified);
    return seq;
  }

  private static JsonNode parse(String line, long seq, Path active) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw changed(active, seq);
    }
  }

  private static Instant time(@Nullable JsonNode node, long seq) {
    try {
      if (node == null) {
        throw new TamperedException("audit line " + seq + " has no time");
      }
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new TamperedException("audit line " + seq + " has no valid time", e);
    }
  }

  private static TamperedException changed(Path active, long seq) {
    return new TamperedException(
        "audit log " + active + " changed while it was reviewed (at line " + seq + ")");
  }

  /** The rolled-over files ({@code <name>.<19 digits>}) in order, then the active file. */
  private static List<Path> chainFiles(Path active) throws IOException {
    Path fileName = active.getFileName();
    if (fileName == null) {
      throw new IllegalArgumentException("expected an audit log file but was " + active);
    }
    Pattern segment = Pattern.compile(Pattern.quote(fileName.toString()) + "\\.\\d{19}");
    List<Path> files = new ArrayList<>();
    Path dir = active.toAbsolutePath().getParent();
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          Path name = entry.getFileName();
          if (name != null && segment.matcher(name.toString()).matches()) {
            files.add(active.resolveSibling(name));
          }
        }
      }
    }
    files.sort(null);
    if (Files.exists(active, LinkOption.NOFOLLOW_LINKS)) {
      files.add(active);
    }
    return files;
  }
}
