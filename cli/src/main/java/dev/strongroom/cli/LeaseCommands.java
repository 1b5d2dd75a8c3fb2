package dev.strongroom.cli;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileLeases;
import dev.strongroom.spi.SecretVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lease acquire|renew|revoke|list}: just-in-time access to a static secret. A lease is only
 * a record kept in the store (id, secret, version, issue time, TTL, maximum TTL, end, revoked), so
 * that later commands, in other processes, can renew, revoke and list it; no in-process library
 * lease is created, as closing the room would revoke it while the record stays active. A value is
 * printed only with {@code --print-value}, and only for an active lease.
 */
@Command(
    name = "lease",
    description = "Leases on secrets: acquire, renew, revoke, list.",
    subcommands = {
      LeaseCommands.Acquire.class,
      LeaseCommands.Renew.class,
      LeaseCommands.Revoke.class,
      LeaseCommands.ListLeases.class
    })
final class LeaseCommands implements Runnable {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void run() {
    throw new CliError(Main.USAGE, "expected acquire, renew, revoke or list (see lease --help)");
  }

  /** Reads {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT1H}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return parse(text, false);
    }

    static Duration parse(String text, boolean allowZero) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      Duration d;
      try {
        if (t.startsWith("p")) {
          d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } else {
          long n = Long.parseLong(t.substring(0, t.length() - 1));
          d =
              switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
              };
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "expected a duration such as 90s, 15m, 2h, 1d or PT1H but was '" + text + "'");
      }
      if (d.isNegative() || (d.isZero() && !allowZero)) {
        throw new IllegalArgumentException(
            "expected a "
                + (allowZero ? "non-negative" : "positive")
                + " duration but was '"
                + text
                + "'");
      }
      return d;
    }
  }

  /** As {@link DurationConverter}, but {@code 0s} is allowed. */
  static final class NonNegativeDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return DurationConverter.parse(text, true);
    }
  }

  static String describe(FileLeases.Lease l, Instant now, boolean json) {
    return json
        ? "{\"id\":"
            + StoreCommand.q(l.id())
            + ",\"secret\":"
            + StoreCommand.q(l.secret())
            + ",\"version\":"
            + l.version()
            + ",\"state\":"
            + StoreCommand.q(l.state(now))
            + ",\"issued\":"
            + StoreCommand.q(l.issued().toString())
            + ",\"ttl\":"
            + StoreCommand.q(l.ttl().toString())
            + ",\"maxTtl\":"
            + StoreCommand.q(l.maxTtl().toString())
            + ",\"expires\":"
            + StoreCommand.q(l.expires().toString())
            + "}"
        : l.id()
            + "  "
            + l.state(now)
            + "  "
            + l.secret()
            + " v"
            + l.version()
            + "  expires "
            + l.expires()
            + "  max "
            + l.maxEnd();
  }

  /** A lease id in the format the library uses for the leases it issues. */
  static String newLeaseId(String name) {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    return "strongroom/issued/" + name + "/" + HexFormat.of().formatHex(id);
  }

  /** Writes a value and a newline to stdout, wiping the copy. */
  static void printValue(SecretValue value) throws IOException {
    OutputStream out = StoreCommand.stdout();
    byte[] bytes = value.copyBytes();
    try {
      out.write(bytes);
      out.write('\n');
      out.flush();
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Command(
      name = "acquire",
      description =
          "Lease secret NAME's CURRENT value for --ttl (renewable up to --max-ttl). Prints the"
              + " lease id, and with --print-value the value on the next line.")
  static final class Acquire extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--ttl",
        required = true,
        paramLabel = "D",
        converter = DurationConverter.class,
        description = "How long each grant lasts: 90s, 15m, 2h, 1d or PT1H.")
    Duration ttl;

    @Option(
        names = "--max-ttl",
        paramLabel = "D",
        converter = DurationConverter.class,
        description = "How long renewals may extend it in all (default: the TTL).")
    Duration maxTtl;

    @Option(names = "--print-value", description = "Also print the leased value.")
    boolean printValue;

    @Override
    int run(RoomContext room) throws IOException {
      FileLeases leases = ((FileBackend) room.fileStore("lease")).leaseRecords();
      Duration max = maxTtl == null ? ttl : maxTtl;
      if (max.compareTo(ttl) < 0) {
        throw new CliError(Main.USAGE, "expected --max-ttl >= --ttl but was " + max + " < " + ttl);
      }
      Strongroom r = room.room();
      long version =
          r.metadata(name).withStage(Stage.CURRENT).map(SecretVersion::version).orElse(0L);
      // Only the persisted record is the lease: an in-process library lease would be revoked
      // (and audited as lease.revoked) when this process closes its room, while the record stays
      // active for later commands.
      Instant issued = room.clock().instant();
      FileLeases.Lease record =
          leases.issue(
              new FileLeases.Lease(
                  newLeaseId(name), name, version, issued, ttl, max, issued.plus(ttl), false));
      room.audit("lease", name, version, AuditEvent.Outcome.OK, record.id());
      room.audit(
          "lease.recorded", name, version, AuditEvent.Outcome.OK, record.id() + " persisted");
      try (SecretValue value = printValue ? r.secret(SecretRef.ofVersion(name, version)) : null) {
        if (json()) {
          String extra = value == null ? "" : ",\"value\":" + q(value.copyUtf8String());
          String line = describe(record, issued, true);
          println(line.substring(0, line.length() - 1) + extra + "}");
        } else {
          println(record.id());
          if (value != null) {
            printValue(value);
          }
        }
      }
      return Main.OK;
    }
  }

  @Command(
      name = "renew",
      description =
          "Extend an active lease by its TTL, never past its maximum TTL. An ended or revoked"
              + " lease is refused (exit 8).")
  static final class Renew extends StoreCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--print-value", description = "Also print the leased value.")
    boolean printValue;

    @Override
    int run(RoomContext room) throws IOException {
      FileLeases leases = ((FileBackend) room.fileStore("lease")).leaseRecords();
      Strongroom r = room.room();
      Instant now = room.clock().instant();
      FileLeases.Lease renewed;
      try {
        renewed = leases.renew(id, now);
      } catch (RuntimeException e) {
        room.auditFailure("lease.renew", id, e);
        throw e;
      }
      room.audit("lease.renew", renewed.secret(), renewed.version(), AuditEvent.Outcome.OK, id);
      println(
          json() ? describe(renewed, now, true) : "renewed " + id + " until " + renewed.expires());
      if (printValue) {
        try (SecretValue value =
            r.secret(SecretRef.ofVersion(renewed.checkActive(now).secret(), renewed.version()))) {
          printValue(value);
        }
      }
      return Main.OK;
    }
  }

  @Command(name = "revoke", description = "Revoke a lease: it can no longer be renewed.")
  static final class Revoke extends StoreCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(RoomContext room) {
      FileLeases leases = ((FileBackend) room.fileStore("lease")).leaseRecords();
      room.room();
      room.audit("lease.revoke", id, 0, AuditEvent.Outcome.INTENT, "");
      FileLeases.Lease revoked;
      try {
        revoked = leases.revoke(id);
      } catch (RuntimeException e) {
        room.auditFailure("lease.revoke", id, e);
        throw e;
      }
      room.audit("lease.revoke", revoked.secret(), revoked.version(), AuditEvent.Outcome.OK, id);
      println(json() ? describe(revoked, room.clock().instant(), true) : "revoked " + id);
      return Main.OK;
    }
  }

  @Command(name = "list", description = "List the store's leases and their states.")
  static final class ListLeases extends StoreCommand {
    @Override
    int run(RoomContext room) {
      FileLeases leases = ((FileBackend) room.fileStore("lease")).leaseRecords();
      room.room();
      List<FileLeases.Lease> all = leases.list();
      room.audit("lease.list", "leases", 0, AuditEvent.Outcome.OK, all.size() + " leases");
      Instant now = room.clock().instant();
      if (json()) {
        println(
            all.stream()
                .map(l -> describe(l, now, true))
                .collect(Collectors.joining(",", "[", "]")));
      } else {
        all.forEach(l -> println(describe(l, now, false)));
      }
      return Main.OK;
    }
  }
}
