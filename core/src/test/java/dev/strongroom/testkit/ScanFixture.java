package dev.strongroom.testkit;

import dev.strongroom.Strongroom;
import dev.strongroom.apikey.IssueRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tree of files with one planted secret of each kind and the decoys a scan must not report (for
 * the core and CLI tests of {@link dev.strongroom.env.FileScanner}). Every planted value holds
 * {@link #CANARY}. The tests use a 4 KiB size limit. Not thread-safe.
 */
public final class ScanFixture {
  private ScanFixture() {}

  /** Part of every planted value; must never appear in what a scan returns. */
  public static final String CANARY = "CANARYq7Zk";

  static String apiKey() {
    try (Strongroom room = Strongroom.open("memory:")) {
      return room.apiKeys().issue(IssueRequest.builder("live").build()).key().copyUtf8String();
    }
  }

  public static void write(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Plants one secret of each kind and the decoys under {@code dir}; returns the expected findings
   * as "relative-path:line:KIND".
   */
  public static Set<String> plant(Path dir) throws IOException {
    String ghp = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    write(
        dir.resolve(".env"),
        "# planted",
        "DB_PASSWORD=" + CANARY + "-pw1",
        "DB_URL=strongroom:db/url",
        "API_TOKEN=changeme",
        "SMTP_PASSWORD=${SMTP_PASSWORD}",
        "EMPTY_SECRET=",
        "ADMIN_PASSWORD=<password>",
        "X_TOKEN=xxx",
        "OTHER_SECRET=TODO",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "PORT=8080");
    write(
        dir.resolve("src/main/resources/application.properties"),
        "server.port=8080",
        "spring.datasource.password=" + CANARY + "s3cr3t",
        "spring.datasource.username=app",
        "app.secret=${APP_SECRET}");
    write(
        dir.resolve("src/main/resources/application.yml"),
        "spring:",
        "  datasource:",
        "    url: jdbc:postgresql://db/app",
        "    password: \"" + CANARY + "hunter2\"",
        "  mail:",
        "    password: changeme",
        "tls:",
        "  key: |",
        "    -----BEGIN RSA PRIVATE KEY-----",
        "    MIIEowIBAAKCAQEA" + CANARY,
        "    -----END RSA PRIVATE KEY-----");
    write(
        dir.resolve("config.json"),
        "{",
        "  \"stripe_key\": \"sk_live_4eC39HqLyjWDarjtT1zd" + CANARY + "\",",
        "  \"stripe_test\": \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\",",
        "  \"requestId\": \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\",",
        "  \"commit\": \"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\",",
        "  \"password\": \"\"",
        "}");
    write(
        dir.resolve("settings.xml"),
        "<settings><servers><server>",
        "  <id>central</id>",
        "  <password>" + CANARY + "xmlPw</password>",
        "  <password>${env.MAVEN_PASSWORD}</password>",
        "</server></servers></settings>");
    write(
        dir.resolve("src/main/java/App.java"),
        "class App {",
        "  String token = \"" + ghp.substring(0, 20) + CANARY + "X9\";",
        "  static final String SIGNING = \"q8Zt3VwPn1Lx7RkYb2Hc9JdMf4Gs" + CANARY + "\";",
        "  String password = System.getenv(\"DB_PASSWORD\");",
        "  String prompt = \"Enter your password\";",
        "  String rev = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\";",
        "  String id = \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\";",
        "}");
    write(
        dir.resolve("scripts/deploy.sh"),
        "#!/bin/sh",
        "curl https://admin:" + CANARY + "pw@internal.host/api",
        "curl https://user:${PASS}@internal.host/api");
    write(
        dir.resolve("client.py"),
        "headers = {\"Authorization\": \"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0."
            + CANARY
            + "dozjgNryP4J3jVmNHl0w5N\"}");
    write(dir.resolve("keys.ts"), "const key = process.env.KEY ?? '" + apiKey() + "';");
    write(dir.resolve("main.go"), "func main() {", "\tawsKey := \"AKIA2E0A8F3B244C9986\"", "}");
    write(
        dir.resolve("package-lock.json"),
        "{",
        "  \"integrity\": \"sha512-Fw9tzrRv9aTkOr+DAKaGb+vE2VrApd4a94x5V1g8ozqvdhk0S1TtoGt9R+Yk4uGhAHq\",",
        "  \"resolved\": \"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"",
        "}");
    write(
        dir.resolve("go.sum"),
        "github.com/x/y v1.2.3 h1:Fw9tzrRv9aTkOr+DAKaGb+vE2VrApd4a94x5V1g8ozq=",
        "github.com/x/y v1.2.3/go.mod h1:Q8Zt3VwPn1Lx7RkYb2Hc9JdMf4GsAbCdEfGh12345=");
    write(dir.resolve("lib-1.0.pom.sha1"), "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    // .gitignore: plain name, *.ext, a directory pattern, a negation
    write(dir.resolve(".gitignore"), "local.env", "*.gen.json", "build/", "!important.gen.json");
    write(dir.resolve("local.env"), "DB_PASSWORD=" + CANARY + "ignored");
    write(dir.resolve("out.gen.json"), "{\"password\": \"" + CANARY + "ignored\"}");
    write(dir.resolve("important.gen.json"), "{\"password\": \"" + CANARY + "kept\"}");
    write(dir.resolve("build/app.properties"), "db.password=" + CANARY + "ignored");
    write(dir.resolve(".git/config"), "password=" + CANARY + "git");
    // a binary with a token in it
    byte[] binary = ("\0\0" + ghp + "\0").getBytes(StandardCharsets.US_ASCII);
    Files.write(dir.resolve("blob.json"), binary);
    // an oversize file (the tests use a 4 KiB limit)
    write(dir.resolve("big.properties"), "db.password=" + CANARY + "big", "#" + "x".repeat(5000));
    return new TreeSet<>(
        List.of(
            ".env:2:SENSITIVE_NAME",
            "src/main/resources/application.properties:2:SENSITIVE_NAME",
            "src/main/resources/application.yml:4:SENSITIVE_NAME",
            "src/main/resources/application.yml:9:KNOWN_TOKEN_PREFIX",
            "config.json:2:KNOWN_TOKEN_PREFIX",
            "settings.xml:3:SENSITIVE_NAME",
            "src/main/java/App.java:2:KNOWN_TOKEN_PREFIX",
            "src/main/java/App.java:3:HIGH_ENTROPY",
            "scripts/deploy.sh:2:URL_WITH_PASSWORD",
            "client.py:1:JWT",
            "keys.ts:1:STRONGROOM_API_KEY",
            "main.go:2:KNOWN_TOKEN_PREFIX",
            "important.gen.json:1:SENSITIVE_NAME"));
  }
}
