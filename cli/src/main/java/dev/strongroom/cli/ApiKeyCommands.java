package dev.strongroom.cli;

import dev.strongroom.SecretValue;
import dev.strongroom.apikey.ApiKeyInfo;
import dev.strongroom.apikey.ApiKeyQuery;
import dev.strongroom.apikey.ApiKeys;
import dev.strongroom.apikey.IssueRequest;
import dev.strongroom.apikey.IssuedKey;
import dev.strongroom.apikey.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code apikey issue|verify|list|revoke|rotate|review}: the API keys a service hands to its own
 * clients ({@link ApiKeys}). A key is printed once, to stdout, when it is issued or rotated; only
 * its keyed hash is stored. {@code verify} reads the key from stdin and never echoes it. Each run
 * is a new room with an empty verification cache, so a revocation made by one command is seen by
 * the next one at once (the policy's revocation bound only matters to long-running rooms).
 */
@Command(
    name = "apikey",
    description = "API keys for your own clients: issue, verify, list, revoke, rotate, review.",
    subcommands = {
      ApiKeyCommands.Issue.class,
      ApiKeyCommands.Verify.class,
      ApiKeyCommands.ListKeys.class,
      ApiKeyCommands.Revoke.class,
      ApiKeyCommands.Rotate.class,
      ApiKeyCommands.Review.class
    })
final class ApiKeyCommands implements Runnable {
  /** Longer than any key; more input on stdin is refused rather than read. */
  private static final int MAX_KEY_INPUT = 512;

  @Override
  public void run() {
    throw new CliError(
        Main.USAGE, "expected issue, verify, list, revoke, rotate or review (see apikey --help)");
  }

  static String status(ApiKeyInfo info, Instant now) {
    return info.revoked() ? "revoked" : info.active(now) ? "active" : "expired";
  }

  /** The metadata as a JSON object, with the field names of {@link ApiKeys#exportJson}. */
  static String toJson(ApiKeyInfo info, Instant now, String extra) {
    return "{\"id\":"
        + StoreCommand.q(info.id())
        + ",\"owner\":"
        + str(info.owner())
        + ",\"environment\":"
        + StoreCommand.q(info.environment())
        + ",\"scopes\":"
        + info.scopes().stream().map(StoreCommand::q).collect(Collectors.joining(",", "[", "]"))
        + ",\"created\":"
        + StoreCommand.q(info.created().toString())
        + ",\"ttl\":"
        + StoreCommand.q(info.ttl().toString())
        + ",\"expires\":"
        + StoreCommand.q(info.expires().toString())
        + ",\"maxExpires\":"
        + StoreCommand.q(info.maxExpires().toString())
        + ",\"renewable\":"
        + info.renewable()
        + ",\"lastUsed\":"
        + str(info.lastUsed().map(Instant::toString))
        + ",\"revokedAt\":"
        + str(info.revokedAt().map(Instant::toString))
        + ",\"rotatedFrom\":"
        + str(info.rotatedFrom())
        + ",\"replacedBy\":"
        + str(info.replacedBy())
        + ",\"status\":"
        + StoreCommand.q(status(info, now))
        + extra
        + "}";
  }

  private static String str(Optional<String> value) {
    return value.map(StoreCommand::q).orElse("null");
  }

  static String line(ApiKeyInfo info, Instant now) {
    return info.id()
        + "  "
        + status(info, now)
        + "  "
        + info.environment()
        + "  owner="
        + info.owner().orElse("-")
        + "  scopes="
        + String.join(",", info.scopes())
        + "  created "
        + info.created()
        + "  expires "
        + info.expires()
        + "  last used "
        + info.lastUsed().map(Instant::toString).orElse("never");
  }

  /**
   * Prints a just-issued key: the key alone on stdout and the metadata on stderr, or with {@code
   * --json} one object on stdout holding both. The key's bytes are wiped afterwards.
   */
  static void printIssued(IssuedKey issued, Instant now, boolean json) throws IOException {
    try (SecretValue key = issued.key()) {
      byte[] bytes = key.copyBytes();
      try {
        OutputStream out = StoreCommand.stdout();
        if (json) {
          out.write("{\"key\":\"".getBytes(StandardCharsets.US_ASCII));
          out.write(bytes); // base62 and '_' only: nothing to escape
          out.write(
              ("\"," + toJson(issued.info(), now, "").substring(1))
                  .getBytes(StandardCharsets.UTF_8));
        } else {
          out.write(bytes);
        }
        out.write('\n');
        out.flush();
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
    if (!json) {
      System.err.println(
          "strongroom: issued " + line(issued.info(), now) + " (the key is shown only this once)");
      System.err.flush();
    }
  }

  @Command(
      name = "issue",
      description =
          "Issue a key for --env. Prints the key once on stdout (store it now: only its hash is"
              + " kept) and its metadata on stderr, or both as JSON with --json.")
  static final class Issue extends StoreCommand {
    @Option(
        names = "--env",
        required = true,
        paramLabel = "ENV",
        description = "The environment label in the key, such as live or test.")
    String environment;

    @Option(names = "--owner", paramLabel = "O", description = "Who holds the key.")
    String owner;

    @Option(names = "--scope", paramLabel = "S", description = "A scope granted (repeatable).")
    List<String> scopes = new ArrayList<>();

    @Option(
        names = "--ttl",
        paramLabel = "D",
        converter = LeaseCommands.DurationConverter.class,
        description = "How long the key lasts (default 90d): 90s, 15m, 2h, 1d or PT1H.")
    Duration ttl;

    @Option(
        names = "--max-ttl",
        paramLabel = "D",
        converter = LeaseCommands.DurationConverter.class,
        description = "How long renewals may extend it in all (default 365d).")
    Duration maxTtl;

    @Override
    int run(RoomContext room) throws IOException {
      IssueRequest.Builder request = IssueRequest.builder(environment).scopes(scopes);
      if (owner != null) {
        request.owner(owner);
      }
      if (ttl != null) {
        request.ttl(ttl);
      }
      if (maxTtl != null) {
        request.maxTtl(maxTtl);
      }
      IssueRequest built;
      try {
        built = request.build();
      } catch (IllegalStateException e) {
        throw new CliError(Main.USAGE, e.getMessage());
      }
      IssuedKey issued = room.room().apiKeys().issue(built);
      printIssued(issued, room.clock().instant(), json());
      return Main.OK;
    }
  }

  @Command(
      name = "verify",
      description =
          "Verify the key on stdin. Exit 0 if it is valid; otherwise one line naming the outcome"
              + " (MALFORMED, INVALID, RATE_LIMITED: exit 5; EXPIRED, REVOKED: exit 8). The key is"
              + " never printed.")
  static final class Verify extends StoreCommand {
    @Override
    int run(RoomContext room) throws IOException {
      char[] key = readKey(stdin());
      Verification v;
      try {
        v = room.room().apiKeys().verify(key, "cli");
      } finally {
        Arrays.fill(key, '\0');
      }
      Instant now = room.clock().instant();
      if (json()) {
        println(
            v.key()
                .map(info -> toJson(info, now, ",\"outcome\":\"VALID\""))
                .orElseGet(
                    () ->
                        "{\"outcome\":"
                            + q(v.outcome().name())
                            + ",\"id\":"
                            + str(v.keyId())
                            + "}"));
      } else if (v.valid()) {
        println("VALID " + line(v.key().orElseThrow(), now));
      }
      if (v.valid()) {
        return Main.OK;
      }
      int exit =
          switch (v.outcome()) {
            case EXPIRED, REVOKED -> Main.LEASE_ENDED;
            default -> Main.ACCESS_DENIED;
          };
      throw new CliError(
          exit,
          "api key rejected: "
              + v.outcome()
              + v.keyId().map(id -> " (key id " + id + ")").orElse(""));
    }

    /** Reads at most one line of ASCII, without its line ending; refuses more than a key's size. */
    private static char[] readKey(InputStream in) throws IOException {
      // a read loop, not readNBytes: FileInputStream.readNBytes seeks, which fails on a pipe
      byte[] buf = new byte[MAX_KEY_INPUT + 1];
      int read = 0;
      for (int r; read < buf.length && (r = in.read(buf, read, buf.length - read)) > 0; ) {
        read += r;
      }
      try {
        int n = read;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) {
          n--;
        }
        if (n == 0) {
          throw new CliError(Main.USAGE, "expected an api key on stdin but it was empty");
        }
        if (read > MAX_KEY_INPUT) {
          // too long for a key: MALFORMED without being looked at
          n = MAX_KEY_INPUT;
        }
        char[] key = new char[n];
        for (int i = 0; i < n; i++) {
          key[i] = (char) (buf[i] & 0xff);
        }
        return key;
      } finally {
        Arrays.fill(buf, (byte) 0);
      }
    }
  }

  @Command(name = "list", description = "List keys (never the keys themselves), oldest first.")
  static final class ListKeys extends StoreCommand {
    @Option(names = "--owner", paramLabel = "O", description = "Only keys held by O.")
    String owner;

    @Option(names = "--env", paramLabel = "E", description = "Only keys of environment E.")
    String environment;

    @Option(names = "--scope", paramLabel = "S", description = "Only keys granting S.")
    String scope;

    @Override
    int run(RoomContext room) {
      ApiKeyQuery query = ApiKeyQuery.all();
      if (owner != null) {
        query = query.owner(owner);
      }
      if (environment != null) {
        query = query.environment(environment);
      }
      if (scope != null) {
        query = query.scope(scope);
      }
      List<ApiKeyInfo> keys = room.room().apiKeys().list(query);
      Instant now = room.clock().instant();
      if (json()) {
        println(
            keys.stream().map(k -> toJson(k, now, "")).collect(Collectors.joining(",", "[", "]")));
      } else {
        keys.forEach(k -> println(line(k, now)));
      }
      return Main.OK;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a key by id: it stops verifying at once (exit 3 if there is none).")
  static final class Revoke extends StoreCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(RoomContext room) {
      ApiKeyInfo revoked = room.room().apiKeys().revoke(id);
      Instant now = room.clock().instant();
      println(json() ? toJson(revoked, now, "") : "revoked " + revoked.id());
      return Main.OK;
    }
  }

  @Command(
      name = "rotate",
      description =
          "Issue a successor of key ID (same owner, environment, scopes and TTL) and let ID expire"
              + " after --overlap. Prints the new key once, as issue does.")
  static final class Rotate extends StoreCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--overlap",
        required = true,
        paramLabel = "D",
        converter = LeaseCommands.NonNegativeDurationConverter.class,
        description = "How long the old key stays valid: 0s, 15m, 1d or PT1H.")
    Duration overlap;

    @Override
    int run(RoomContext room) throws IOException {
      IssuedKey issued = room.room().apiKeys().rotate(id, overlap);
      printIssued(issued, room.clock().instant(), json());
      return Main.OK;
    }
  }

  @Command(
      name = "review",
      description =
          "Access review: active keys unused for D (never-used keys count from their creation),"
              + " older than D, or without an owner, with the reasons. With --json and no criteria:"
              + " every key's metadata and status, for a SIEM.")
  static final class Review extends StoreCommand {
    @Option(
        names = "--unused-for",
        paramLabel = "D",
        converter = LeaseCommands.NonNegativeDurationConverter.class,
        description = "Keys with no verification recorded for D (90d; 0s: every active key).")
    Duration unusedFor;

    @Option(
        names = "--older-than",
        paramLabel = "D",
        converter = LeaseCommands.DurationConverter.class,
        description = "Keys created more than D ago.")
    Duration olderThan;

    @Option(names = "--without-owner", description = "Keys without an owner.")
    boolean withoutOwner;

    @Override
    int run(RoomContext room) throws IOException {
      ApiKeys keys = room.room().apiKeys();
      if (unusedFor == null && olderThan == null && !withoutOwner) {
        if (!json()) {
          throw new CliError(
              Main.USAGE,
              "expected --unused-for, --older-than, --without-owner or --json (see --help)");
        }
        OutputStream out = stdout();
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        keys.exportJson(writer);
        writer.write('\n');
        writer.flush();
        return Main.OK;
      }
      Instant now = room.clock().instant();
      Map<String, ApiKeyInfo> found = new LinkedHashMap<>();
      Map<String, List<String>> reasons = new LinkedHashMap<>();
      if (unusedFor != null) {
        List<ApiKeyInfo> unused =
            unusedFor.isZero()
                ? keys.list(ApiKeyQuery.all().activeOnly())
                : keys.unusedFor(unusedFor);
        add(found, reasons, unused, "unused-for " + unusedFor);
      }
      if (olderThan != null) {
        add(found, reasons, keys.olderThan(olderThan), "older-than " + olderThan);
      }
      if (withoutOwner) {
        add(found, reasons, keys.withoutOwner(), "without-owner");
      }
      if (json()) {
        println(
            found.values().stream()
                .map(
                    k ->
                        toJson(
                            k,
                            now,
                            ",\"findings\":"
                                + reasons.get(k.id()).stream()
                                    .map(StoreCommand::q)
                                    .collect(Collectors.joining(",", "[", "]"))))
                .collect(Collectors.joining(",", "[", "]")));
      } else {
        found
            .values()
            .forEach(
                k -> println(line(k, now) + "  [" + String.join(", ", reasons.get(k.id())) + "]"));
      }
      return Main.OK;
    }

    private static void add(
        Map<String, ApiKeyInfo> found,
        Map<String, List<String>> reasons,
        List<ApiKeyInfo> keys,
        String reason) {
      for (ApiKeyInfo k : keys) {
        found.putIfAbsent(k.id(), k);
        reasons.computeIfAbsent(k.id(), id -> new ArrayList<>()).add(reason);
      }
    }
  }
}
