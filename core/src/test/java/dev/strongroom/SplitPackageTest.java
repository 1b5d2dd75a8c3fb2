package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: no Java package is split across two jars the build makes (every module's main classes,
 * and core's test-jar, which other modules' tests use beside strongroom-testing). A split package
 * does not load on the module path, and it leaves users guessing which artifact a class comes from.
 * Before, core's test-jar and strongroom-testing both had {@code dev.strongroom.testing}.
 */
class SplitPackageTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void everyPackageLivesInOneJar() throws IOException {
    Map<String, Set<String>> jarsByPackage = new TreeMap<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
        String name = module.getFileName().toString();
        collect(module.resolve("src/main/java"), name, jarsByPackage);
      }
    }
    // core's test sources outside core's own packages: what the test-jar ships (its <includes>)
    Map<String, Set<String>> coreTests = new TreeMap<>();
    collect(ROOT.resolve("core/src/test/java"), "core (test-jar)", coreTests);
    coreTests.keySet().removeIf(pkg -> jarsByPackage.getOrDefault(pkg, Set.of()).contains("core"));
    for (String pkg : coreTests.keySet()) {
      assertTrue(
          pkg.startsWith("dev.strongroom.testkit"),
          pkg + " is in core's tests but not in the test-jar's dev/strongroom/testkit/**");
      jarsByPackage.computeIfAbsent(pkg, p -> new TreeSet<>()).add("core (test-jar)");
    }

    assertTrue(jarsByPackage.size() > 20, "the scan found the sources: " + jarsByPackage.keySet());
    assertTrue(
        jarsByPackage.containsKey("dev.strongroom.testing"), jarsByPackage.keySet().toString());
    Map<String, Set<String>> split = new TreeMap<>();
    jarsByPackage.forEach(
        (pkg, jars) -> {
          if (jars.size() > 1) {
            split.put(pkg, jars);
          }
        });
    assertEquals(Map.of(), split, "packages in more than one jar");
  }

  /** Adds {@code jar} to the entry of every package of the sources under {@code sources}. */
  private static void collect(Path sources, String jar, Map<String, Set<String>> out) {
    if (!Files.isDirectory(sources)) {
      return;
    }
    try (Stream<Path> files = Files.walk(sources)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.'))
          .filter(pkg -> !pkg.isEmpty())
          .forEach(pkg -> out.computeIfAbsent(pkg, p -> new TreeSet<>()).add(jar));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
