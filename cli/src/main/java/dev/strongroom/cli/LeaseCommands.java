package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.lease.Checkout;
import dev.strongroom.lease.Checkouts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lease acquire|renew|read|revoke|list}: just-in-time access to a static secret on any
 * store, through the room's persisted check-out leases ({@link Checkouts}): a sealed record in the
 * store's reserved namespace, so that later commands, in other processes, can read under it, renew,
 * revoke and list it. Enforced: {@code read} (and {@code --print-value}) print a value only under
 * an active lease; a revoked or ended lease exits 8, an edited record 9. Everything is audited by
 * the room.
 */
@Command(
    name = "lease",
    description = "Leases on secrets: acquire, renew, revoke, list.",
    subcommands = {
      LeaseCommands.Acquire.class,
      LeaseCommands.Renew.class,
      LeaseCommands.Revoke.class,
      LeaseCommands.Read.class,
      LeaseCommands.ListLeases.class,
      LeaseCommands.Require.class,
      LeaseCommands.Sweep.class
    })
final class LeaseCommands implements Runnable {
  @Override
  public void run() {
    throw new CliError(
        Main.USAGE,
        "expected acquire, renew, read, revoke, list, require or sweep (see lease --help)");
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

  static String describe(Checkout l, Instant now, boolean json) {
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

  /**
   * Refuses the id of an advisory lease record written by an earlier version of the CLI (file
   * stores only, {@code leases/} of the store folder): those records are kept on disk, never read,
   * and grant nothing.
   */
  static void refuseLegacy(String id) {
    if (id.startsWith("strongroom/issued/")) {
      throw new CliError(
          Main.NOT_FOUND,
          "lease "
              + id
              + " is an advisory record of an earlier strongroom version; such leases are no"
              + " longer honoured (the record is kept, unread). Acquire a new lease");
    }
  }

  /** Warns on stderr about advisory lease records of an earlier version kept in a file store. */
  static void warnLegacy(RoomContext room) {
    if (!room.isFile()) {
      return;
    }
    Path dir = Path.of(room.uri()).resolve("leases");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      long n = files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
      if (n > 0) {
        System.err.println(
            "note: "
                + n
                + " advisory lease record(s) of an earlier strongroom version are kept in "
                + dir
                + " but no longer honoured; acquire new leases");
      }
    } catch (IOException e) {
      // only a note
    }
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
      Duration max = maxTtl == null ? ttl : maxTtl;
      if (max.compareTo(ttl) < 0) {
        throw new CliError(Main.USAGE, "expected --max-ttl >= --ttl but was " + max + " < " + ttl);
      }
      Checkouts leases = room.room().checkouts();
      Checkout record = leases.checkout(name, ttl, max);
      Instant issued = room.clock().instant();
      try (SecretValue value = printValue ? leases.read(record.id()) : null) {
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
      refuseLegacy(id);
      Checkouts leases = room.room().checkouts();
      Checkout renewed = leases.renew(id);
      Instant now = room.clock().instant();
      println(
          json() ? describe(renewed, now, true) : "renewed " + id + " until " + renewed.expires());
      if (printValue) {
        try (SecretValue value = leases.read(id)) {
          printValue(value);
        }
      }
      return Main.OK;
    }
  }

  @Command(
      name = "read",
      description =
          "Print the value a lease grants, only while it is active: a revoked, checked-in or"
              + " ended lease is refused (exit 8), an edited lease record too (exit 9).")
  static final class Read extends StoreCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(RoomContext room) throws IOException {
      refuseLegacy(id);
      try (SecretValue value = room.room().checkouts().read(id)) {
        printValue(value);
      }
      return Main.OK;
    }
  }

  /** {@code --config FILE}: where the operator's rotation commands are ({@link CliConfig}). */
  abstract static class WithConfig extends StoreCommand {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "The CLI's configuration (rotate.NAME=COMMAND); default $STRONGROOM_CONFIG, else"
                + " $XDG_CONFIG_HOME/strongroom/config.properties.")
    Path config;

    /** The room's check-outs, with the configured rotators registered. */
    Checkouts checkouts(RoomContext room) {
      Checkouts leases = room.room().checkouts();
      CliConfig.load(config).rotators().forEach(leases::rotateOnCheckin);
      return leases;
    }
  }

  @Command(
      name = "revoke",
      description =
          "Check a lease in: reads under it are refused from now on (exit 8). If the CLI's"
              + " configuration names a rotation command for the secret (rotate.NAME), the secret"
              + " is then rotated, once no other lease on it is active.")
  static final class Revoke extends WithConfig {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(RoomContext room) {
      refuseLegacy(id);
      Checkout revoked = checkouts(room).checkin(id);
      println(json() ? describe(revoked, room.clock().instant(), true) : "revoked " + id);
      return Main.OK;
    }
  }

  @Command(
      name = "sweep",
      description =
          "Close every lease that ended without a check-in on a secret with a configured rotation"
              + " command, and rotate those secrets (run it from cron). Prints the closed leases.")
  static final class Sweep extends WithConfig {
    @Override
    int run(RoomContext room) {
      List<Checkout> closed = checkouts(room).sweep();
      Instant now = room.clock().instant();
      if (json()) {
        println(
            closed.stream()
                .map(l -> describe(l, now, true))
                .collect(Collectors.joining(",", "[", "]")));
      } else {
        closed.forEach(l -> println("closed " + describe(l, now, false)));
      }
      return Main.OK;
    }
  }

  @Command(
      name = "require",
      description =
          "Make secret NAME check-out-only: its value is then printed only under a lease (get"
              + " exits 5), in every process on the store. --off clears it. Without NAME, lists"
              + " the check-out-only secrets.")
  static final class Require extends StoreCommand {
    @Parameters(paramLabel = "NAME", arity = "0..1")
    String name;

    @Option(names = "--off", description = "Clear the requirement instead.")
    boolean off;

    @Override
    int run(RoomContext room) {
      Checkouts leases = room.room().checkouts();
      if (name == null) {
        if (off) {
          throw new CliError(Main.USAGE, "expected NAME with --off");
        }
        Set<String> names = leases.checkoutOnly();
        if (json()) {
          println(names.stream().map(StoreCommand::q).collect(Collectors.joining(",", "[", "]")));
        } else {
          names.forEach(this::println);
        }
        return Main.OK;
      }
      leases.requireCheckout(name, !off);
      println((off ? "no longer check-out-only: " : "check-out-only: ") + name);
      return Main.OK;
    }
  }

  @Command(name = "list", description = "List the store's leases and their states.")
  static final class ListLeases extends StoreCommand {
    @Override
    int run(RoomContext room) {
      warnLegacy(room);
      List<Checkout> all = room.room().checkouts().list();
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
