package dev.strongroom.cli;

import dev.strongroom.SecretRef;
import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.Strongroom;
import dev.strongroom.spi.SecretVersion;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The secret commands: init, put, get, list, delete, undelete, destroy, rotate. */
final class SecretCommands {
  /** Values read from stdin are capped: secrets are small. */
  static final int MAX_VALUE = 1 << 20;

  private SecretCommands() {}

  @Command(name = "init", description = "Create a file store with a KEK named 'default'.")
  static final class Init extends StoreCommand {
    @Override
    int run(RoomContext room) {
      Path path = room.init();
      println(
          json()
              ? "{\"store\":" + q(path.toString()) + ",\"key\":\"default\"}"
              : "initialized store " + path + " with key 'default'");
      return Main.OK;
    }
  }

  @Command(
      name = "put",
      description =
          "Store a new version of a secret. The value comes from stdin (one trailing newline is"
              + " dropped unless --raw), or from a prompt without echo on a terminal.")
  static final class Put extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--cas",
        paramLabel = "VERSION",
        description = "Check-and-set: the latest version you saw (0: must not exist).")
    Long cas;

    @Option(names = "--pending", description = "Write the version as PENDING; CURRENT stays.")
    boolean pending;

    @Option(
        names = "--raw",
        description = "Keep the input bytes exactly, trailing newline included.")
    boolean raw;

    @Override
    int run(RoomContext room) throws Exception {
      try (SecretValue value = readValue(name, raw)) {
        SecretVersion v = pending ? writePending(room, value) : writeCurrent(room.room(), value);
        println(
            json()
                ? "{\"name\":"
                    + q(name)
                    + ",\"version\":"
                    + v.version()
                    + ",\"stages\":"
                    + stages(v)
                    + "}"
                : "stored " + name + " version " + v.version() + " " + v.stages());
      }
      return Main.OK;
    }

    private SecretVersion writeCurrent(Strongroom r, SecretValue value) {
      return cas == null ? r.put(name, value) : r.put(name, value, cas);
    }

    /** A PENDING write through the room: checked, sealed for a tenant and audited like put. */
    private SecretVersion writePending(RoomContext room, SecretValue value) {
      Strongroom r = room.room();
      return cas == null ? r.putPending(name, value) : r.putPending(name, value, cas);
    }
  }

  @Command(
      name = "get",
      description =
          "Print a secret's value (and nothing else) to stdout; NAME#FIELD or --field prints one"
              + " field of a secret with named fields (a KV v2 secret's data, a JSON object).")
  static final class Get extends StoreCommand {
    @Parameters(paramLabel = "NAME[#FIELD]")
    String name;

    @Option(names = "--field", paramLabel = "FIELD", description = "One field of the secret.")
    String field;

    @ArgGroup(exclusive = true)
    Which which;

    static final class Which {
      @Option(names = "--version", paramLabel = "N", description = "A version number.")
      Long version;

      @Option(
          names = "--stage",
          paramLabel = "STAGE",
          description = "CURRENT, PENDING or PREVIOUS.")
      Stage stage;
    }

    @Override
    int run(RoomContext room) throws Exception {
      String secret = name;
      String wanted = field;
      int hash = name.indexOf('#');
      if (hash >= 0) {
        if (field != null) {
          throw new CliError(Main.USAGE, "expected NAME#FIELD or --field, not both");
        }
        secret = name.substring(0, hash);
        wanted = name.substring(hash + 1);
      }
      SecretRef ref =
          which == null
              ? SecretRef.of(secret)
              : which.version != null
                  ? SecretRef.ofVersion(secret, which.version)
                  : SecretRef.ofStage(secret, which.stage);
      if (wanted != null) {
        ref = ref.withField(wanted);
      }
      try (SecretValue value = room.room().secret(ref)) {
        OutputStream out = stdout();
        byte[] bytes = value.copyBytes();
        try {
          out.write(bytes);
          out.flush();
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
      return Main.OK;
    }
  }

  @Command(name = "list", description = "List secret names (optionally under a prefix).")
  static final class ListSecrets extends StoreCommand {
    @Parameters(paramLabel = "PREFIX", arity = "0..1", defaultValue = "")
    String prefix;

    @Override
    int run(RoomContext room) {
      List<String> names = room.room().list(prefix);
      if (json()) {
        println(names.stream().map(StoreCommand::q).collect(Collectors.joining(",", "[", "]")));
      } else {
        names.forEach(this::println);
      }
      return Main.OK;
    }
  }

  @Command(name = "delete", description = "Soft-delete a secret (undelete restores it).")
  static final class Delete extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(RoomContext room) {
      room.room().delete(name);
      println("deleted " + name);
      return Main.OK;
    }
  }

  @Command(name = "undelete", description = "Restore a soft-deleted secret.")
  static final class Undelete extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(RoomContext room) {
      room.room().undelete(name);
      println("restored " + name);
      return Main.OK;
    }
  }

  @Command(name = "destroy", description = "Destroy versions of a secret for good, or all of it.")
  static final class Destroy extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
      @Option(
          names = "--version",
          paramLabel = "N",
          description = "A version to destroy (repeatable).")
      List<Long> versions;

      @Option(names = "--all", description = "Destroy every version and the name.")
      boolean all;
    }

    @Override
    int run(RoomContext room) {
      room.room()
          .destroy(
              name,
              which.all
                  ? new long[0]
                  : which.versions.stream().mapToLong(Long::longValue).toArray());
      println(
          which.all ? "destroyed " + name : "destroyed " + name + " versions " + which.versions);
      return Main.OK;
    }
  }

  @Command(
      name = "rotate",
      description =
          "Rotate a secret in two phases: write a new random value (or stdin with --from-stdin)"
              + " as PENDING, then promote it to CURRENT; the old one becomes PREVIOUS.")
  static final class Rotate extends StoreCommand {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--from-stdin", description = "Take the new value from stdin.")
    boolean fromStdin;

    @Option(names = "--raw", description = "With --from-stdin: keep a trailing newline.")
    boolean raw;

    @Override
    int run(RoomContext room) throws Exception {
      Strongroom r = room.room();
      SecretValue given = fromStdin ? readStdin(raw) : null;
      SecretVersion promoted;
      try {
        promoted =
            r.rotate(
                name, current -> given != null ? SecretValue.of(given.copyBytes()) : randomValue());
      } finally {
        if (given != null) {
          given.wipe();
        }
      }
      long current =
          r.metadata(name).withStage(Stage.PREVIOUS).map(SecretVersion::version).orElse(0L);
      SecretVersion pending = promoted;
      println(
          json()
              ? "{\"name\":"
                  + q(name)
                  + ",\"current\":"
                  + pending.version()
                  + ",\"previous\":"
                  + current
                  + "}"
              : "rotated "
                  + name
                  + ": version "
                  + pending.version()
                  + " is CURRENT"
                  + (current == 0 ? "" : ", version " + current + " is PREVIOUS"));
      return Main.OK;
    }

    /** A new random value: 32 bytes from SecureRandom, base64url without padding. */
    static SecretValue randomValue() {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      char[] text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
      Arrays.fill(bytes, (byte) 0);
      try {
        return SecretValue.of(text);
      } finally {
        Arrays.fill(text, '\0');
      }
    }
  }

  static String stages(SecretVersion v) {
    return v.stages().stream()
        .sorted()
        .map(s -> StoreCommand.q(s.name()))
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** The value for {@code name}: a prompt without echo on a terminal, else stdin. */
  static SecretValue readValue(String name, boolean raw) throws java.io.IOException {
    Console console = System.console();
    if (console == null) {
      return readStdin(raw);
    }
    char[] first = console.readPassword("Value for %s: ", name);
    char[] second = console.readPassword("Repeat the value: ");
    try {
      if (first == null || second == null || !Arrays.equals(first, second)) {
        throw new CliError(Main.USAGE, "the values do not match");
      }
      return SecretValue.of(first);
    } finally {
      if (first != null) {
        Arrays.fill(first, '\0');
      }
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  static SecretValue readStdin(boolean raw) throws java.io.IOException {
    InputStream in = StoreCommand.stdin();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int n; (n = in.read(chunk)) > 0; ) {
      if (buffer.size() + n > MAX_VALUE) {
        throw new CliError(Main.USAGE, "expected a value of at most " + MAX_VALUE + " bytes");
      }
      buffer.write(chunk, 0, n);
    }
    byte[] bytes = buffer.toByteArray();
    int length = bytes.length;
    if (!raw && length > 0 && bytes[length - 1] == '\n') {
      length--;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
    }
    byte[] trimmed = Arrays.copyOf(bytes, length);
    try {
      return SecretValue.of(trimmed);
    } finally {
      Arrays.fill(trimmed, (byte) 0);
      Arrays.fill(bytes, (byte) 0);
      Arrays.fill(chunk, (byte) 0);
    }
  }
}
