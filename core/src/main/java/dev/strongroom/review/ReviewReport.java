package dev.strongroom.review;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The result of an access review: per secret and per KEK what was found, and the findings. Holds
 * names, principals, times and versions, never a secret value.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param at the review's time ({@code now})
 * @param options what was looked for
 * @param auditLines how many verified audit lines were read
 * @param secrets one entry per secret, by name
 * @param keys one entry per KEK, by name
 * @param findings what needs attention: by kind, then name
 */
public record ReviewReport(
    Instant at,
    ReviewOptions options,
    long auditLines,
    List<Secret> secrets,
    List<Key> keys,
    List<Finding> findings) {

  /** Checks the fields and copies the lists. */
  public ReviewReport {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(options, "options");
    secrets = List.copyOf(secrets);
    keys = List.copyOf(keys);
    findings = List.copyOf(findings);
  }

  /** Whether a finding of {@code kind} exists. */
  public boolean has(Kind kind) {
    return findings.stream().anyMatch(f -> f.kind() == kind);
  }

  /** The names of the secrets (or KEKs) with a finding of {@code kind}, sorted. */
  public SortedSet<String> names(Kind kind) {
    TreeSet<String> out = new TreeSet<>();
    findings.stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.name()));
    return Collections.unmodifiableSortedSet(out);
  }

  /** The kinds of finding. */
  public enum Kind {
    /** Not read within {@link ReviewOptions#unusedFor()}, or never read. */
    UNUSED,
    /** CURRENT written before {@link ReviewOptions#notRotatedFor()}. */
    NOT_ROTATED,
    /**
     * A KEK whose last creation or rotation recorded in the audit log is before {@link
     * ReviewOptions#notRotatedFor()}, or that has none in the log.
     */
    KEY_NOT_ROTATED,
    /** An active API key not used within {@link ReviewOptions#unusedFor()}, or never used. */
    API_KEY_UNUSED,
    /** An active API key issued before {@link ReviewOptions#notRotatedFor()}. */
    API_KEY_NOT_ROTATED,
    /**
     * A check-out lease that is active at the review's time ({@link
     * dev.strongroom.lease.Checkouts}), named {@code lease/ID}; the detail names the secret, the
     * version, and when it ends.
     */
    LEASE_OUTSTANDING
  }

  /**
   * One finding.
   *
   * @param kind what was found
   * @param name the secret's name, the KEK's for {@link Kind#KEY_NOT_ROTATED}, {@code apikey/ID}
   *     for the API-key kinds, or {@code lease/ID} for {@link Kind#LEASE_OUTSTANDING}
   * @param detail why, in words (times and durations, never a value)
   */
  public record Finding(Kind kind, String name, String detail) {
    /** Checks the fields. */
    public Finding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * One secret.
   *
   * @param name its name
   * @param lastRead the last recorded read (by the counted readers), if any
   * @param readers the principals that read it within the window, sorted
   * @param readsInWindow how many reads within the window (an aggregated line counts for all of its
   *     reads if its last one is within the window)
   * @param currentVersion the CURRENT version (the latest if none carries CURRENT)
   * @param currentCreated when that version was written
   * @param currentAge how old it is at the review's time (zero if written later)
   */
  public record Secret(
      String name,
      Optional<Instant> lastRead,
      SortedSet<String> readers,
      long readsInWindow,
      long currentVersion,
      Instant currentCreated,
      Duration currentAge) {
    /** Checks the fields and copies {@code readers}. */
    public Secret {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(lastRead, "lastRead");
      readers = Collections.unmodifiableSortedSet(new TreeSet<>(readers));
      Objects.requireNonNull(currentCreated, "currentCreated");
      Objects.requireNonNull(currentAge, "currentAge");
    }
  }

  /**
   * One KEK.
   *
   * @param name its name
   * @param primaryVersion the version new data keys are wrapped under
   * @param minDecryptionVersion the lowest version that still unwraps
   * @param versions how many versions exist
   * @param lastRotation its last creation or rotation recorded in the audit log ({@code key.create}
   *     or {@code key.rotate}, outcome {@code OK}), if any
   */
  public record Key(
      String name,
      int primaryVersion,
      int minDecryptionVersion,
      int versions,
      Optional<Instant> lastRotation) {
    /** Checks the fields. */
    public Key {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(lastRotation, "lastRotation");
    }
  }
}
