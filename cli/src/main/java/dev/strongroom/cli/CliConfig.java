package dev.strongroom.cli;

import dev.strongroom.SecretRotator;
import dev.strongroom.SecretValue;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's own configuration: a properties file the operator keeps, never read from the store.
 * Found at {@code --config FILE}, else {@code $STRONGROOM_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/strongroom/config.properties} (or {@code ~/.config/...}); a missing default file
 * is an empty configuration. The file must be a regular file (not a link) owned by the user running
 * the CLI and writable by nobody else: it names commands the CLI runs.
 *
 * <p>Keys: {@code rotate.NAME=COMMAND} rotates secret NAME when a check-out lease on it is checked
 * in or swept: the CLI generates a random value (32 bytes, base64url) and runs {@code /bin/sh -c
 * COMMAND} with the value on standard input and {@code STRONGROOM_SECRET=NAME} in the environment,
 * to put it into use (e.g. {@code ALTER ROLE}); {@code rotate.NAME.verify=COMMAND} (optional) gets
 * the value the same way and must exit 0 for the value to be promoted. Immutable.
 */
final class CliConfig {
  private static final String ROTATE = "rotate.";
  private static final String VERIFY = ".verify";
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final Map<String, String> rotate;
  private final Map<String, String> verify;

  private CliConfig(Map<String, String> rotate, Map<String, String> verify) {
    this.rotate = Map.copyOf(rotate);
    this.verify = Map.copyOf(verify);
  }

  /** The configuration at {@code explicit}, or at the default place. */
  static CliConfig load(Path explicit) {
    Path file = explicit;
    boolean required = explicit != null;
    if (file == null && System.getenv("STRONGROOM_CONFIG") != null) {
      file = Path.of(System.getenv("STRONGROOM_CONFIG"));
      required = true;
    }
    if (file == null) {
      String xdg = System.getenv("XDG_CONFIG_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".config");
      file = base.resolve("strongroom").resolve("config.properties");
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (required) {
        throw new CliError(Main.USAGE, "no configuration file " + file);
      }
      return new CliConfig(Map.of(), Map.of());
    }
    checkSafe(file);
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliError(Main.USAGE, "cannot read configuration " + file + ": " + e.getMessage());
    }
    Map<String, String> rotate = new TreeMap<>();
    Map<String, String> verify = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      if (!key.startsWith(ROTATE)) {
        throw new CliError(
            Main.USAGE, "unknown key '" + key + "' in " + file + " (expected rotate.NAME)");
      }
      String rest = key.substring(ROTATE.length());
      if (rest.endsWith(VERIFY)) {
        verify.put(rest.substring(0, rest.length() - VERIFY.length()), p.getProperty(key));
      } else {
        rotate.put(rest, p.getProperty(key));
      }
    }
    for (String name : verify.keySet()) {
      if (!rotate.containsKey(name)) {
        throw new CliError(
            Main.USAGE, "rotate." + name + ".verify in " + file + " has no rotate." + name);
      }
    }
    return new CliConfig(rotate, verify);
  }

  private static void checkSafe(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliError(
            Main.USAGE, "refusing configuration " + file + ": not a regular file (a link?)");
      }
      PosixFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (UnsupportedOperationException e) {
        return; // not a POSIX file system: nothing more to check
      }
      String me = System.getProperty("user.name");
      if (!attrs.owner().getName().equals(me)) {
        throw new CliError(
            Main.USAGE,
            "refusing configuration "
                + file
                + ": owned by "
                + attrs.owner().getName()
                + ", not "
                + me);
      }
      if (attrs.permissions().contains(PosixFilePermission.GROUP_WRITE)
          || attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new CliError(
            Main.USAGE,
            "refusing configuration " + file + ": writable by group or others (chmod go-w)");
      }
    } catch (IOException e) {
      throw new CliError(Main.USAGE, "cannot check configuration " + file + ": " + e.getMessage());
    }
  }

  /** The rotators the configuration names, by secret name. */
  Map<String, SecretRotator> rotators() {
    Map<String, SecretRotator> out = new TreeMap<>();
    rotate.forEach(
        (name, command) -> out.put(name, new CommandRotator(name, command, verify.get(name))));
    return out;
  }

  /** A rotator that runs the operator's commands; never logs or echoes the value. */
  private record CommandRotator(String name, String command, String verifyCommand)
      implements SecretRotator {
    @Override
    public SecretValue generate(SecretValue current) {
      return SecretCommands.Rotate.randomValue(); // the same values as `strongroom rotate`
    }

    @Override
    public void apply(SecretValue pending) {
      int exit = runWith(command, pending);
      if (exit != 0) {
        throw new StrongroomException(
            "rotation command for '" + name + "' (rotate." + name + ") exited with " + exit);
      }
    }

    @Override
    public boolean verify(SecretValue pending) {
      return verifyCommand == null || runWith(verifyCommand, pending) == 0;
    }

    private int runWith(String shellCommand, SecretValue value) {
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", shellCommand);
      pb.environment().put("STRONGROOM_SECRET", name);
      pb.redirectOutput(Redirect.DISCARD);
      pb.redirectError(Redirect.INHERIT);
      byte[] bytes = value.copyBytes();
      try {
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
          in.write(bytes);
          in.write('\n');
        }
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new StrongroomException(
              "rotation command for '"
                  + name
                  + "' did not finish in "
                  + COMMAND_TIMEOUT_SECONDS
                  + " s");
        }
        return p.exitValue();
      } catch (IOException e) {
        throw new StrongroomException(
            "cannot run the rotation command for '" + name + "': " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StrongroomException("interrupted while rotating '" + name + "'", e);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }

    @Override
    public String toString() {
      return "CommandRotator[" + name + "]";
    }
  }
}
