package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.fail;

import dev.strongroom.spi.Backend;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ServiceLoader;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Finds the shared moto server the README's test command started (scripts/servers/moto.sh, env
 * {@code STRONGROOM_AWS_ENDPOINT} and the AWS_* variables) and opens backends on it, each with its
 * own secret prefix and KMS alias namespace so that runs and tests never see each other's data.
 * Missing variables fail the test with instructions; {@code -DskipITs} skips the ITs instead. Also
 * starts private moto servers for tests that kill one. Not thread-safe; for tests.
 */
final class MotoServers {
  private MotoServers() {}

  /**
   * Creates the KMS key {@code default} in {@code backend}'s namespace unless it exists: the
   * explicit initialisation rooms need, as nothing creates a key implicitly.
   */
  static Backend withDefaultKey(Backend backend) {
    try {
      backend.keys().describe("default");
    } catch (dev.strongroom.exception.NotFoundException e) {
      try {
        backend.keys().createKey("default");
      } catch (dev.strongroom.exception.ConflictException raced) {
        // another client created it first
      }
    }
    return backend;
  }

  /** The shared server's endpoint, or a failed test saying how to start it. */
  static String endpoint() {
    String endpoint = System.getenv("STRONGROOM_AWS_ENDPOINT");
    if (endpoint == null || endpoint.isBlank() || System.getenv("AWS_ACCESS_KEY_ID") == null) {
      fail(
          "STRONGROOM_AWS_ENDPOINT / AWS_ACCESS_KEY_ID are not set: start moto with"
              + " `scripts/servers/moto.sh start && source ~/.cache/strongroom/state/moto/env`"
              + " (or scripts/servers/all.sh up), or skip the integration tests with -DskipITs");
    }
    return endpoint;
  }

  /** A fresh namespace: a unique secret prefix and KMS alias namespace. */
  static String namespace() {
    return "it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The {@code aws:} URI of a backend on {@code endpoint} in namespace {@code ns}. */
  static URI uri(String endpoint, String ns, String extra) {
    return URI.create(
        "aws:?region=us-east-1&endpoint="
            + endpoint
            + "&secretPrefix="
            + ns
            + "/&kmsKey=alias/"
            + ns
            + (extra.isEmpty() ? "" : "&" + extra));
  }

  /**
   * Opens a backend on the shared server through ServiceLoader, as a room would, with its key
   * {@code default} (see {@link #withDefaultKey}).
   */
  static Backend open(String ns) {
    return withDefaultKey(open(uri(endpoint(), ns, "")));
  }

  /** Opens the backend a URI names through ServiceLoader. */
  static Backend open(URI uri) {
    for (var provider : ServiceLoader.load(dev.strongroom.spi.BackendProvider.class)) {
      if (provider.scheme().equals(uri.getScheme())) {
        return provider.open(dev.strongroom.spi.OpenRequest.of(uri));
      }
    }
    throw new AssertionError("no BackendProvider for " + uri.getScheme());
  }

  /** A raw Secrets Manager client on {@code endpoint}, to look behind the store's back. */
  static SecretsManagerClient rawSecrets(String endpoint) {
    return SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create(endpoint))
        .build();
  }

  /** A raw KMS client on {@code endpoint}. */
  static KmsClient rawKms(String endpoint) {
    return KmsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create(endpoint))
        .build();
  }

  /** A moto server of our own, on a free port of 127.0.0.1, that a test may kill and restart. */
  static final class PrivateMoto implements AutoCloseable {
    private final Path executable;
    private final int port;
    private Process process;

    private PrivateMoto(Path executable, int port) {
      this.executable = executable;
      this.port = port;
    }

    /** Starts one with the venv's moto_server; fails the test if there is none. */
    static PrivateMoto start() throws IOException, InterruptedException {
      String cache =
          System.getenv()
              .getOrDefault(
                  "STRONGROOM_CACHE", System.getProperty("user.home") + "/.cache/strongroom");
      Path executable = Path.of(cache, "venv-moto", "bin", "moto_server");
      if (!Files.isExecutable(executable)) {
        fail("no moto_server at " + executable + ": run scripts/servers/moto.sh install");
      }
      PrivateMoto moto = new PrivateMoto(executable, freePort());
      moto.startProcess();
      return moto;
    }

    String endpoint() {
      return "http://127.0.0.1:" + port;
    }

    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void restart() throws IOException, InterruptedException {
      startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
      process =
          new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "private-moto.log").toFile())
              .start();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!answers()) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          process.destroyForcibly();
          fail("private moto_server did not start on port " + port + " (target/private-moto.log)");
        }
        Thread.sleep(100); // polling for readiness, not timing an assertion
      }
    }

    private boolean answers() {
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(endpoint() + "/moto-api/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        c.disconnect();
        return code == 200;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() {
      if (process != null) {
        kill();
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }
  }
}
