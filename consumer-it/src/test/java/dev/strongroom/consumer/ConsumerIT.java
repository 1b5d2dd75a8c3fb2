package dev.strongroom.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builds and runs a consumer application (src/it/app) against the reactor's library jars with the
 * JDK's own javac and java: on the class path and on the module path, on every JDK present (17 and
 * Temurin 25). Also checks that an internal package does not compile against the module path and
 * that each library jar has the module descriptor the release promises (issue 15).
 */
class ConsumerIT {
  private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";
  private static final Path SOURCES = Path.of(System.getProperty("consumer.sources"));
  private static final Path WORK = Path.of(System.getProperty("consumer.work"));
  private static final Path ROOT = Path.of(System.getProperty("consumer.root"));
  private static final String VERSION = System.getProperty("consumer.version");

  static Stream<String> jdks() {
    List<String> jdks = new ArrayList<>();
    jdks.add(System.getProperty("java.home"));
    if (Files.isDirectory(Path.of(JDK25)) && !System.getProperty("java.home").equals(JDK25)) {
      jdks.add(JDK25);
    }
    return jdks.stream();
  }

  private static String appPath() throws IOException {
    String path = Files.readString(Path.of(System.getProperty("consumer.classpathFile"))).strip();
    for (String entry : path.split(File.pathSeparator)) {
      assertTrue(entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)), entry);
    }
    return path;
  }

  private static List<String> sources(String name) throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES.resolve(name))) {
      return files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void modulePath_runsWithoutAddModules(String jdk) throws Exception {
    Path dir = fresh(jdk, "module");
    Path classes = dir.resolve("classes");
    List<String> javac = new ArrayList<>(List.of(tool(jdk, "javac"), "-Xlint:all", "-Werror"));
    javac.addAll(List.of("--module-path", appPath(), "-d", classes.toString()));
    javac.addAll(sources("app"));
    assertEquals(0, run(javac, Map.of()).exit, "javac on the module path");

    Result run =
        run(
            List.of(
                tool(jdk, "java"),
                "--module-path",
                classes + File.pathSeparator + appPath(),
                "-m",
                "consumer.app/app.Main",
                dir.toString()),
            Map.of("CONSUMER_PASSPHRASE", "a long test passphrase"));
    assertEquals(0, run.exit, run.output);
    for (String check :
        List.of(
            "ok memory put/get",
            "ok memory encrypt/decrypt",
            "ok audit verify",
            "ok envelope",
            "ok file put/get",
            "ok internal closed",
            "mode module consumer.app",
            "core module dev.strongroom.core")) {
      assertTrue(run.output.contains(check), check + " missing in:\n" + run.output);
    }
    assertFalse(run.output.contains("sun.misc.Unsafe"), run.output);
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void classPath_runs(String jdk) throws Exception {
    Path dir = fresh(jdk, "classpath");
    Path classes = dir.resolve("classes");
    List<String> javac = new ArrayList<>(List.of(tool(jdk, "javac"), "-Xlint:all", "-Werror"));
    javac.addAll(List.of("-cp", appPath(), "-d", classes.toString()));
    javac.addAll(sources("app").stream().filter(s -> !s.endsWith("module-info.java")).toList());
    assertEquals(0, run(javac, Map.of()).exit, "javac on the class path");

    Result run =
        run(
            List.of(
                tool(jdk, "java"),
                "-cp",
                classes + File.pathSeparator + appPath(),
                "app.Main",
                dir.toString()),
            Map.of("CONSUMER_PASSPHRASE", "a long test passphrase"));
    assertEquals(0, run.exit, run.output);
    assertTrue(run.output.contains("ok file put/get"), run.output);
    assertTrue(run.output.contains("mode classpath"), run.output);
    assertTrue(run.output.contains("core unnamed module"), run.output);
  }

  /**
   * The README's strongroom-testing snippet (kept verbatim in src/it/testing, checked below) builds
   * and runs against the testing artifact, on the module path (naming only {@code
   * dev.strongroom.testing}) and on the class path.
   */
  @ParameterizedTest
  @MethodSource("jdks")
  void testingArtifact_readmeSnippet_runsOnBothPaths(String jdk) throws Exception {
    Path dir = fresh(jdk, "testing");
    Path modular = dir.resolve("module");
    List<String> javac = new ArrayList<>(List.of(tool(jdk, "javac"), "-Xlint:all", "-Werror"));
    javac.addAll(List.of("--module-path", appPath(), "-d", modular.toString()));
    javac.addAll(sources("testing"));
    assertEquals(0, run(javac, Map.of()).exit, "javac on the module path");
    Result onModules =
        run(
            List.of(
                tool(jdk, "java"),
                "--module-path",
                modular + File.pathSeparator + appPath(),
                "-m",
                "consumer.testing/testing.Main"),
            Map.of());
    assertEquals(0, onModules.exit, onModules.output);
    assertTrue(
        onModules.output.contains("ok testing snippet; testing module dev.strongroom.testing"),
        onModules.output);

    Path flat = dir.resolve("classpath");
    javac = new ArrayList<>(List.of(tool(jdk, "javac"), "-Xlint:all", "-Werror"));
    javac.addAll(List.of("-cp", appPath(), "-d", flat.toString()));
    javac.addAll(sources("testing").stream().filter(f -> !f.endsWith("module-info.java")).toList());
    assertEquals(0, run(javac, Map.of()).exit, "javac on the class path");
    Result onClassPath =
        run(
            List.of(
                tool(jdk, "java"), "-cp", flat + File.pathSeparator + appPath(), "testing.Main"),
            Map.of());
    assertEquals(0, onClassPath.exit, onClassPath.output);
    assertTrue(
        onClassPath.output.contains("ok testing snippet; testing unnamed module"),
        onClassPath.output);
  }

  @org.junit.jupiter.api.Test
  void testingSnippet_isTheReadmes_verbatim() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String main = Files.readString(SOURCES.resolve("testing/testing/Main.java"));
    String begin = "    // --- README testing: begin ---\n";
    String end = "    // --- README testing: end ---\n";
    String body = main.substring(main.indexOf(begin) + begin.length(), main.indexOf(end));
    String unindented =
        body.lines()
            .map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
            .collect(Collectors.joining("\n", "", "\n"));
    assertTrue(unindented.length() > 500, unindented);
    assertTrue(
        readme.contains("```java\n" + unindented + "```"),
        "README's testing snippet differs from src/it/testing/testing/Main.java");
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void internalPackage_doesNotCompileOnTheModulePath(String jdk) throws Exception {
    Path dir = fresh(jdk, "leak");
    List<String> javac = new ArrayList<>(List.of(tool(jdk, "javac")));
    javac.addAll(List.of("--module-path", appPath(), "-d", dir.resolve("classes").toString()));
    javac.addAll(sources("leak"));
    Result result = run(javac, Map.of());
    assertNotEquals(0, result.exit, result.output);
    assertTrue(
        result.output.contains("package dev.strongroom.internal.memory is not visible")
            && result.output.contains("does not export it"),
        result.output);
  }

  @ParameterizedTest
  @MethodSource("descriptors")
  void libraryJar_hasItsModuleDescriptor(String module, String artifact, String expected)
      throws Exception {
    Path jar = ROOT.resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".jar");
    assertTrue(Files.isRegularFile(jar), jar.toString());
    Result result =
        run(
            List.of(
                tool(System.getProperty("java.home"), "jar"),
                "--describe-module",
                "--file",
                jar.toString()),
            Map.of());
    assertEquals(0, result.exit, result.output);
    List<String> lines =
        result.output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertTrue(lines.get(1).startsWith(expected.split("\n")[0] + "@" + VERSION), result.output);
    for (String line : expected.split("\n")) {
      if (!line.equals(expected.split("\n")[0])) {
        assertTrue(lines.contains(line), "'" + line + "' missing in:\n" + result.output);
      }
    }
    List<String> exported =
        lines.stream().filter(l -> l.startsWith("exports ")).collect(Collectors.toList());
    assertTrue(exported.stream().noneMatch(l -> l.contains("internal")), exported.toString());
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> descriptors() {
    return Stream.of(
        args(
            "core",
            "strongroom-core",
            "dev.strongroom.core\nexports dev.strongroom\nexports dev.strongroom.spi\n"
                + "exports dev.strongroom.envelope\nrequires com.fasterxml.jackson.databind\n"
                + "requires com.google.crypto.tink\nrequires org.bouncycastle.provider\n"
                + "requires com.github.benmanes.caffeine\nrequires org.crac static\n"
                + "requires org.jspecify transitive\n"
                + "uses dev.strongroom.spi.BackendProvider\n"
                + "provides dev.strongroom.spi.BackendProvider with"
                + " dev.strongroom.internal.memory.MemoryBackendProvider\n"
                + "qualified exports dev.strongroom.internal.crypto to dev.strongroom.file\n"
                + "qualified exports dev.strongroom.internal.retire to dev.strongroom.file\n"
                + "contains dev.strongroom.internal.room"),
        args(
            "file-backend",
            "strongroom-file",
            "dev.strongroom.file\nexports dev.strongroom.file\n"
                + "requires dev.strongroom.core transitive\n"
                + "provides dev.strongroom.spi.BackendProvider with"
                + " dev.strongroom.file.FileBackendProvider\ncontains dev.strongroom.file.internal"),
        args(
            "vault-backend",
            "strongroom-vault",
            "dev.strongroom.vault\nexports dev.strongroom.vault\n"
                + "requires dev.strongroom.core transitive\n"
                + "provides dev.strongroom.spi.BackendProvider with"
                + " dev.strongroom.vault.VaultBackendProvider\n"
                + "contains dev.strongroom.vault.internal"),
        args(
            "aws-backend",
            "strongroom-aws",
            "dev.strongroom.aws\nexports dev.strongroom.aws\n"
                + "requires dev.strongroom.core transitive\n"
                + "provides dev.strongroom.spi.BackendProvider with"
                + " dev.strongroom.aws.AwsBackendProvider\ncontains dev.strongroom.aws.internal"),
        args(
            "hikari",
            "strongroom-hikari",
            "dev.strongroom.hikari\nexports dev.strongroom.hikari\n"
                + "requires dev.strongroom.core transitive\nrequires com.zaxxer.hikari transitive\n"
                + "requires org.postgresql.jdbc static"),
        args(
            "testing",
            "strongroom-testing",
            "dev.strongroom.testing\nexports dev.strongroom.testing\n"
                + "requires dev.strongroom.core transitive\n"
                + "requires org.junit.jupiter.api transitive"),
        args(
            "spring-boot",
            "strongroom-spring-boot",
            "dev.strongroom.spring\nexports dev.strongroom.spring\n"
                + "requires dev.strongroom.core transitive\n"
                + "requires micrometer.core static transitive"));
  }

  private static org.junit.jupiter.params.provider.Arguments args(String... values) {
    return org.junit.jupiter.params.provider.Arguments.of((Object[]) values);
  }

  private static String tool(String jdk, String name) {
    return Path.of(jdk, "bin", name).toString();
  }

  private static Path fresh(String jdk, String mode) throws IOException {
    Path dir = WORK.resolve(Path.of(jdk).getFileName() + "-" + mode);
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        for (Path p : old.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "timed out: " + command);
    return new Result(
        process.exitValue(),
        String.join(" ", command).replace(appPath(), "<app path>")
            + "\n"
            + new String(out, StandardCharsets.UTF_8));
  }
}
