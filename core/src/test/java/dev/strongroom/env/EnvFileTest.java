package dev.strongroom.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.NotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {
  private static final String CANARY = "CANARY-envfile-44aa";

  private static EnvFile parse(String text) {
    return EnvFile.parse(new StringReader(text));
  }

  private static List<String> render(EnvFile file) {
    return file.entries().stream()
        .map(e -> e.line() + ":" + e.key() + "=" + e.value().copyUtf8String())
        .collect(Collectors.toList());
  }

  @Test
  void parse_allForms_inFileOrder() {
    String text =
        String.join(
            "\n",
            "# a comment",
            "",
            "PLAIN=value",
            "export EXPORTED=yes",
            "  SPACED  =  padded value  ",
            "TRAILING=abc # a comment",
            "HASH_INSIDE=pa#ss",
            "SINGLE='lit \\n $HOME # not a comment'",
            "DOUBLE=\"a\\nb\\t\\\"q\\\" \\\\ \\$x \\z\" # comment",
            "EMPTY=",
            "EMPTY_QUOTED=\"\"",
            "MULTI=\"-----BEGIN KEY-----",
            "abc",
            "-----END KEY-----\"",
            "LAST=1");

    assertEquals(
        List.of(
            "3:PLAIN=value",
            "4:EXPORTED=yes",
            "5:SPACED=padded value",
            "6:TRAILING=abc",
            "7:HASH_INSIDE=pa#ss",
            "8:SINGLE=lit \\n $HOME # not a comment",
            "9:DOUBLE=a\nb\t\"q\" \\ $x \\z",
            "10:EMPTY=",
            "11:EMPTY_QUOTED=",
            "12:MULTI=-----BEGIN KEY-----\nabc\n-----END KEY-----",
            "15:LAST=1"),
        render(parse(text)));
  }

  @Test
  void parse_byteOrderMarkAndCrlf_handled() {
    assertEquals(List.of("1:A=1", "2:B=2"), render(parse("\uFEFFA=1\r\nB=2\r\n")));
  }

  @Test
  void parse_malformedLines_reportsEachByNumberWithoutTheValue() {
    String text =
        String.join(
            "\n",
            "OK=1",
            CANARY,
            "1BAD=" + CANARY,
            "Q=\"" + CANARY + "\" trailing" + CANARY,
            "U='" + CANARY);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));

    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("line 4: Q has text after"), e.getMessage());
    assertTrue(e.getMessage().contains("line 5: U has an unterminated single quote"));
    assertFalse(e.getMessage().contains(CANARY), e.getMessage());
  }

  @Test
  void entry_andFile_toStringShowKeysOnly() {
    EnvFile file = parse("DB_PASSWORD=" + CANARY);

    assertEquals("Entry[DB_PASSWORD, line 1]", file.entries().get(0).toString());
    assertFalse(file.toString().contains(CANARY));
  }

  @Test
  void wipe_wipesEveryValue() {
    EnvFile file = parse("A=1\nB=2");

    file.wipe();

    assertTrue(file.entries().stream().allMatch(e -> e.value().isWiped()));
  }

  @Test
  void parse_path_readsUtf8File(@TempDir Path dir) throws IOException {
    Path path = dir.resolve(".env");
    Files.writeString(path, "GREETING=\"grüß dich\"\n");

    assertEquals(List.of("1:GREETING=grüß dich"), render(EnvFile.parse(path)));
  }

  @Test
  void parse_missingPath_throwsNotFound(@TempDir Path dir) {
    assertThrows(NotFoundException.class, () -> EnvFile.parse(dir.resolve("nope.env")));
  }
}
