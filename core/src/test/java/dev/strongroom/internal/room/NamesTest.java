package dev.strongroom.internal.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class NamesTest {
  /** The rule as a regular expression: the reference model of the hand-written scan. */
  private static final Pattern MODEL =
      Pattern.compile("(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)*");

  @Property(tries = 2000)
  void check_agreesWithTheRegexModel(
      @ForAll @StringLength(min = 1, max = 12) @Chars({'a', 'Z', '0', '.', '/', '_', '-', ' ', 'é'})
          String name) {
    boolean valid = MODEL.matcher(name).matches();
    if (valid) {
      assertEquals(name, Names.check(name));
    } else {
      assertThrows(IllegalArgumentException.class, () -> Names.check(name), name);
    }
  }

  @Test
  void check_dotSegmentsAndEmptySegments_areRejected() {
    for (String bad : new String[] {".", "..", "a/./b", "a/../b", "/a", "a/", "a//b", ""}) {
      assertThrows(IllegalArgumentException.class, () -> Names.check(bad), bad);
    }
    assertEquals("a/.x/...", Names.check("a/.x/..."));
  }
}
