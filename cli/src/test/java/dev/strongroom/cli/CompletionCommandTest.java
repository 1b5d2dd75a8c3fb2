package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code strongroom completion}: a bash script that names every command, and that bash parses. */
class CompletionCommandTest {
  @TempDir Path dir;

  @Test
  void completion_namesEveryCommandAndSubcommand_andIsValidBash() throws Exception {
    ScanCommandTest.Run run = ScanCommandTest.run("completion");
    assertEquals(Main.OK, run.exit(), run.err());
    String script = run.out();
    assertTrue(script.contains("complete -F"), "a bash completion function is registered");
    CommandLine tree = new CommandLine(new Main.Root());
    assertTrue(tree.getSubcommands().size() > 15, "the tree is the real one");
    for (Map.Entry<String, CommandLine> command : tree.getSubcommands().entrySet()) {
      assertTrue(script.contains(command.getKey()), "completes " + command.getKey());
      for (String sub : command.getValue().getSubcommands().keySet()) {
        assertTrue(script.contains(sub), "completes " + command.getKey() + " " + sub);
      }
    }
    for (String option : new String[] {"--store", "--json", "--audit"}) {
      assertTrue(script.contains(option), "completes " + option);
    }

    Path file = dir.resolve("strongroom.bash");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Process bash =
        new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash -n finished");
    String errors = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, bash.exitValue(), errors);

    // and it completes: "strongroom apikey r<TAB>" offers exactly apikey's commands starting with r
    String expected =
        String.join(
            " ",
            tree.getSubcommands().get("apikey").getSubcommands().keySet().stream()
                .filter(n -> n.startsWith("r"))
                .sorted()
                .toList());
    assertEquals(expected, complete(file, "strongroom", "apikey", "r"));
    assertEquals("completion", complete(file, "strongroom", "compl"));
  }

  /** What bash offers for the last word of {@code words}, with the script sourced. */
  private static String complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    String program =
        "source \"$1\" 2>/dev/null; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
            + " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _complete_strongroom 2>/dev/null;"
            + " echo \"${COMPREPLY[*]}\"";
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of("bash", "-c", program, "bash", script.toString()));
    command.addAll(java.util.List.of(words));
    Process bash = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash finished completing " + line);
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, bash.exitValue(), out);
    return String.join(" ", java.util.Arrays.stream(out.split("\\s+")).sorted().toList());
  }
}
