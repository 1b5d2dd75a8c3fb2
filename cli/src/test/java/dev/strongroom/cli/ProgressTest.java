package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 ("a progress bar on a terminal for long work, plain lines when not on a terminal"): the
 * bar is redrawn in place with a carriage return; plain output has no carriage return and one line
 * for the first step, then per tenth of the work, the end included.
 */
class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String out() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plain_oneLinePerTenth_andTheEnd_noCarriageReturn() {
    Progress p = new Progress("rewrap", err, false);
    for (int done = 1; done <= 1000; done++) {
      p.update(done, 1000, "files");
    }
    p.update(1000, 1000, "files"); // the same count again prints nothing
    p.finish();

    List<String> lines = out().lines().toList();
    assertFalse(out().contains("\r"));
    assertEquals(11, lines.size(), out()); // the first step, each tenth, the end
    assertEquals("rewrap: 1/1000 files", lines.get(0));
    assertEquals("rewrap: 100/1000 files", lines.get(1));
    assertEquals("rewrap: 1000/1000 files", lines.get(10));
  }

  @Test
  void bar_redrawnInPlace_endsWithANewline_notesOnTheirOwnLine() {
    Progress p = new Progress("retire default", err, true);
    p.update(1, 4, "items");
    p.note("strongroom: cannot rewrap x: damaged");
    p.update(4, 4, "items");
    p.finish();

    String text = out();
    assertTrue(
        text.startsWith("\rretire default [#######-----------------------] 1/4 items\n"), text);
    assertTrue(text.contains("strongroom: cannot rewrap x: damaged\n"), text);
    assertTrue(
        text.endsWith("\rretire default [##############################] 4/4 items\n"), text);
  }
}
