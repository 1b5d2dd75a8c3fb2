package dev.strongroom.file;

import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.KdfParams;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

/** Helpers shared by the file backend's tests. */
final class TestStores {
  static final byte[] KEY = new byte[32];
  static final String KEY_BASE64;

  static {
    for (int i = 0; i < 32; i++) {
      KEY[i] = (byte) (i * 7 + 3);
    }
    KEY_BASE64 = Base64.getEncoder().encodeToString(KEY);
  }

  private TestStores() {}

  static Credentials key() {
    return Credentials.masterKey(KEY);
  }

  static FileBackend create(Path dir, Clock clock) {
    return FileBackend.open(dir, key(), new FileBackend.Options(true, KdfParams.defaults(), clock));
  }

  static FileBackend open(Path dir) {
    return FileBackend.open(dir, key(), FileBackend.Options.openExisting());
  }
}
