package dev.strongroom.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the monitors ({@code synchronized}) the calling thread holds at a point, such as inside a
 * backend call, through the JVM's own thread management (works for platform threads on every JDK; a
 * virtual thread is not visible to it and is recorded as nothing). A monitor held across I/O pins a
 * virtual thread's carrier on JDK 21 to 23. Thread-safe.
 */
public final class MonitorProbe {
  private final List<String> held = new CopyOnWriteArrayList<>();

  /** Records the monitors the current thread holds, as "class@identity in frame". */
  public void check(String where) {
    ThreadInfo[] info =
        ManagementFactory.getThreadMXBean()
            .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false);
    if (info.length == 0 || info[0] == null) {
      return;
    }
    List<String> found = new ArrayList<>();
    for (MonitorInfo monitor : info[0].getLockedMonitors()) {
      found.add(
          monitor.getClassName()
              + " locked in "
              + monitor.getLockedStackFrame().getClassName()
              + "."
              + monitor.getLockedStackFrame().getMethodName());
    }
    if (!found.isEmpty()) {
      held.add(where + ": " + found);
    }
  }

  /** Everything recorded so far: empty if no checked call held a monitor. */
  public List<String> held() {
    return List.copyOf(held);
  }
}
