package dev.strongroom;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Virtual threads for tests that run on JDK 21+ (the build targets 17, so by reflection). */
public final class VirtualThreads {
  private VirtualThreads() {}

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
  public static ExecutorService perTaskExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need JDK 21+", e);
    }
  }
}
