package dev.strongroom.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** File stores for tests: a fresh master key file and a store created on first open. */
final class Stores {
  private Stores() {}

  static String fileStore(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path keyFile = dir.resolve("master.key");
    Files.writeString(
        keyFile, Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32)));
    return "file:" + dir.resolve("store") + "?create=true&masterKeyFile=" + keyFile;
  }
}
