package dev.strongroom.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans a generated 50 MB tree (512 files of about 100 KB) and prints the time; asserts the count
 * of planted secrets, not the time. Run with {@code -Psoak}.
 */
@Tag("soak")
class FileScannerSoakTest {
  @TempDir Path dir;

  @Test
  void scan_50MegabyteTree_findsEveryPlanted() throws IOException {
    Random random = new Random(1);
    String[] exts = {"java", "properties", "yml", "json", "py", "ts", "xml", "go"};
    long bytes = 0;
    int planted = 0;
    for (int f = 0; bytes < 50L << 20; f++) {
      String ext = exts[f % exts.length];
      boolean config = ext.equals("properties") || ext.equals("yml");
      StringBuilder text = new StringBuilder();
      while (text.length() < 100 << 10) {
        if (random.nextInt(1000) == 0) {
          String v = "Pl4nted" + planted++;
          text.append(config ? "db.password: " + v : "db_password = \"" + v + "\";");
        } else {
          String w = "w" + random.nextInt(1_000_000);
          text.append(
              config
                  ? "app." + w + ".name: value-" + random.nextInt(1000)
                  : "    String " + w + " = compute(" + w + ", \"" + w + " value\");  // note");
        }
        text.append('\n');
      }
      Path file = dir.resolve("mod" + (f % 50)).resolve("f" + f + "." + ext);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      bytes += text.length();
    }

    long start = System.nanoTime();
    FileScanner.Report report = FileScanner.create().scan(List.of(dir));
    double seconds = (System.nanoTime() - start) / 1e9;

    System.out.printf(
        "FileScannerSoakTest: %d bytes in %d files scanned in %.2f s%n",
        report.bytesScanned(), report.filesScanned(), seconds);
    assertEquals(bytes, report.bytesScanned());
    assertEquals(planted, report.findings().size());
  }
}
