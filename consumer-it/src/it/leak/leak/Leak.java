package leak;

/** Must not compile on the module path: dev.strongroom.internal.memory is not exported. */
public final class Leak {
  public static Object backend() {
    return new dev.strongroom.internal.memory.MemoryBackendProvider();
  }
}
