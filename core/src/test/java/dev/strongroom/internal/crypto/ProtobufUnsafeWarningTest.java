package dev.strongroom.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On JDK 24 and later, protobuf-java before the version the parent POM pins calls {@code
 * sun.misc.Unsafe} and the JVM prints a "terminally deprecated method" warning on the first Tink
 * keyset parse. This runs such a parse in a child JVM of the running JDK with this test class path
 * and requires a silent stderr. (On JDK 17 the JVM never prints the warning; test-all's JDK 25 run
 * is the one that can fail.)
 */
class ProtobufUnsafeWarningTest {

  /** The child JVM's work: generate, serialize, parse and use a Tink AEAD keyset. */
  @SuppressWarnings("deprecation") // Tink's JSON keyset format: the shortest way through protobuf
  public static void main(String[] args) throws Exception {
    AeadConfig.register();
    KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    KeysetHandle parsed =
        TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
    Aead aead = parsed.getPrimitive(RegistryConfiguration.get(), Aead.class);
    byte[] ciphertext = aead.encrypt(new byte[] {1, 2, 3}, new byte[0]);
    System.out.print(aead.decrypt(ciphertext, new byte[0]).length);
  }

  @Test
  void tinkKeysetParsingPrintsNoUnsafeWarning() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath = System.getProperty("java.class.path");
    Process process =
        new ProcessBuilder(
                List.of(
                    java.toString(), "-cp", classPath, ProtobufUnsafeWarningTest.class.getName()))
            .start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, process.exitValue(), err);
    assertEquals("3", new String(out, StandardCharsets.UTF_8), err);
    assertFalse(err.contains("sun.misc.Unsafe"), "the JVM warned about sun.misc.Unsafe:\n" + err);
  }
}
