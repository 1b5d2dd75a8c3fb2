package dev.strongroom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: the same command scenario through the {@code ./strongroom} launcher (the shaded jar,
 * which holds every backend) on a file store, the real OpenBao dev server and moto: put, get (also
 * one field, {@code NAME#FIELD}), list, rotate, encrypt and decrypt, key rotate, API keys issued,
 * verified and revoked, and the audit log every store gets (the file store's own; for the others
 * the default under {@code $XDG_STATE_HOME}) verified, then refused once a line is edited. A canary
 * value never reaches stderr or the log.
 */
class CliEveryStoreIT {
  private static final String CANARY = "CANARY-every-store-9d1f-never-print-me";

  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  static Stream<String> stores() {
    return Stream.of("file", "vault", "aws");
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      fail(
          ("true".equals(System.getenv("CI")) ? "CI=true and " : "")
              + name
              + " is not set: run scripts/servers/all.sh up and source"
              + " ~/.cache/strongroom/state/servers.env before Maven (or -DskipITs)");
    }
    return value;
  }

  private String storeUri(String kind, String ns) {
    return switch (kind) {
      case "file" -> "file:" + dir.resolve("store");
      case "vault" ->
          "vault://" + env("STRONGROOM_VAULT_ADDR").replaceFirst("^https?://", "") + "?tls=false";
      case "aws" ->
          "aws:?region=us-east-1&endpoint="
              + env("STRONGROOM_AWS_ENDPOINT")
              + "&secretPrefix="
              + ns
              + "/&kmsKey=alias/"
              + ns;
      default -> throw new AssertionError(kind);
    };
  }

  @ParameterizedTest
  @MethodSource("stores")
  void sameScenario_onEveryStore(String kind) throws Exception {
    String ns = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    String store = storeUri(kind, ns);
    String name = ns + "/db/password";

    if (kind.equals("file")) {
      ok("", store, "init");
    } else if (kind.equals("aws")) {
      ok("", store, "key", "create", "default");
    } else if (kind.equals("vault")) {
      int exit = run("", store, "key", "create", "default").exit();
      assertTrue(exit == 0 || exit == 4, "key create default: exit " + exit);
    }
    assertTrue(ok(CANARY, store, "put", name).out().contains("version 1"));
    assertEquals(CANARY, ok("", store, "get", name).out());
    assertTrue(ok("", store, "list", ns + "/").out().contains(name));
    String fields = "{\"username\":\"app\",\"password\":\"" + CANARY + "-f\"}";
    ok(fields, store, "put", ns + "/db/app");
    assertEquals(CANARY + "-f", ok("", store, "get", ns + "/db/app#password").out());
    assertEquals("app", ok("", store, "get", "--field", "username", ns + "/db/app").out());
    assertEquals(3, run("", store, "get", ns + "/db/app#missing").exit(), "no such field");
    ok("", store, "rotate", name);
    assertFalse(ok("", store, "get", name).out().contains(CANARY), "rotate kept the value");

    // Issue 14: leases are enforced on every store, not advisory records of file stores.
    String current = ok("", store, "get", name).out();
    String lease = ok("", store, "lease", "acquire", name, "--ttl", "15m").out().trim();
    assertEquals(current.strip(), ok("", store, "lease", "read", lease).out().strip());
    assertTrue(ok("", store, "lease", "list").out().contains(lease + "  active"));
    ok("", store, "lease", "revoke", lease);
    Result refused = run("", store, "lease", "read", lease);
    assertEquals(8, refused.exit(), "a revoked lease: exit 8; " + refused.err());
    assertEquals("", refused.out(), "no value under a revoked lease");
    // check-out-only: refused outside a lease (exit 5), printed under one, renewable
    ok("", store, "lease", "require", name);
    assertTrue(ok("", store, "lease", "require").out().contains(name));
    Result outside = run("", store, "get", name);
    assertEquals(5, outside.exit(), "check-out-only outside a lease: exit 5; " + outside.err());
    assertEquals("", outside.out());
    String only = ok("", store, "lease", "acquire", name, "--ttl", "15m").out().trim();
    assertTrue(ok("", store, "lease", "renew", only).out().startsWith("renewed " + only));
    assertEquals(current.strip(), ok("", store, "lease", "read", only).out().strip());
    ok("", store, "lease", "revoke", only);
    ok("", store, "lease", "require", "--off", name);
    assertEquals(current.strip(), ok("", store, "get", name).out().strip());

    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, "message for " + kind);
    byte[] sealed = runBytes(Files.readAllBytes(plain), store, "encrypt");
    Path sealedFile = dir.resolve("sealed.bin");
    Files.write(sealedFile, sealed);
    assertEquals(
        "message for " + kind,
        new String(
            runBytes(Files.readAllBytes(sealedFile), store, "decrypt"), StandardCharsets.UTF_8));
    assertTrue(ok("", store, "key", "rotate", "default").out().contains("default"));
    // key list works on every store (before: "default" only, off file stores)
    String kek = "k-" + ns;
    ok("", store, "key", "create", kek);
    String keys = ok("", store, "key", "list").out();
    assertTrue(keys.contains(kek + " primary=1 versions=[1]"), keys);
    assertTrue(keys.contains("default primary="), keys); // vault: a shared mount's default

    String key = ok("", store, "apikey", "issue", "--env", "live", "--owner", ns).out().trim();
    assertTrue(key.startsWith("sr_live_"), "an API key on stdout");
    String id = key.split("_")[2];
    ok(key, store, "apikey", "verify");
    ok("", store, "apikey", "revoke", id);
    assertEquals(8, run(key, store, "apikey", "verify").exit(), "a revoked key: exit 8");
    String live = ok("", store, "apikey", "issue", "--env", "live", "--owner", ns).out().trim();
    String liveId = live.split("_")[2];
    String idle = ok("", store, "apikey", "review", "--unused-for", "0s").out();
    assertTrue(idle.contains(liveId) && !idle.contains(id), "active keys only: " + idle);
    assertFalse(idle.contains(live), "never the key itself");
    // key retire on every store: a KEK with nothing sealed under its old version
    ok("", store, "key", "rotate", kek);
    Result retired = ok("", store, "key", "retire", kek);
    assertTrue(retired.out().contains("minDecryption=2"), retired.out());
    assertTrue(retired.err().contains("retire " + kek + ": 0/0 items"), retired.err());

    // the access review reads the same verified log on every store
    ok(CANARY + "-u", store, "put", ns + "/never-read");
    JsonNode review = new ObjectMapper().readTree(ok("", store, "--json", "review").out());
    boolean reviewed = false;
    for (JsonNode secret : review.path("secrets")) {
      if (secret.path("name").asText().equals(name)) {
        reviewed = true;
        assertTrue(secret.path("lastRead").isTextual(), secret.toString());
      }
    }
    assertTrue(reviewed, name + " in " + review);
    boolean unused = false;
    for (JsonNode finding : review.path("findings")) {
      unused |= finding.toString().contains(ns + "/never-read");
    }
    assertTrue(unused, "a never-read secret is an unused finding: " + review.path("findings"));
    assertEquals(1, run("", store, "review", "--fail-on", "unused").exit(), "--fail-on unused");

    Result verified = ok("", store, "audit", "verify");
    assertTrue(verified.out().startsWith("OK: "), verified.out());
    Path log = Path.of(verified.out().substring(verified.out().indexOf(" in ") + 4).trim());
    if (!kind.equals("file")) {
      assertTrue(log.startsWith(dir.resolve("state")), "default audit log under XDG: " + log);
    }
    String text = Files.readString(log);
    assertTrue(text.contains("(claimed)"), "the CLI principal is marked as claimed");
    // where the backend authenticates the CLI, the records name that identity first
    String proven =
        switch (kind) {
          case "vault" -> "\"principal\":\"vault:";
          case "aws" -> "\"principal\":\"aws:arn:aws:";
          default -> "\"principal\":\"cli:";
        };
    assertTrue(text.contains(proven), "principal " + proven + " in " + log);
    assertFalse(text.contains(CANARY));

    Files.writeString(log, text.replaceFirst("\"operation\":\"write\"", "\"operation\":\"read\""));
    Result tampered = run("", store, "audit", "verify");
    assertEquals(1, tampered.exit(), tampered.err());
    assertTrue(tampered.err().contains("does not verify"), tampered.err());
  }

  private Result ok(String stdin, String store, String... args) throws Exception {
    Result r = run(stdin, store, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.err());
    return r;
  }

  private Result run(String stdin, String store, String... args) throws Exception {
    Raw raw = exec(stdin.getBytes(StandardCharsets.UTF_8), store, args);
    return new Result(raw.exit, new String(raw.out, StandardCharsets.UTF_8), raw.err);
  }

  private byte[] runBytes(byte[] stdin, String store, String... args) throws Exception {
    Raw raw = exec(stdin, store, args);
    assertEquals(0, raw.exit, () -> String.join(" ", args) + " failed: " + raw.err);
    return raw.out;
  }

  private record Raw(int exit, byte[] out, String err) {}

  private Raw exec(byte[] stdin, String store, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("--store", store));
    command.addAll(Arrays.asList(args));
    Map<String, String> env =
        Map.of(
            "STRONGROOM_MASTER_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "STRONGROOM_SKIP_BUILD", "1",
            "XDG_STATE_HOME", dir.resolve("state").toString());
    Launcher.Output o = Launcher.run(dir, env, stdin, command);
    assertFalse(o.stderr().contains(CANARY), "the canary reached stderr");
    return new Raw(o.exit(), o.stdout(), o.stderr());
  }
}
