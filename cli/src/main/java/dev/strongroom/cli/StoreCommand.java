package dev.strongroom.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that works on the store {@code --store} names. Not thread-safe. */
abstract class StoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Main.Root root() {
    return (Main.Root) spec.root().userObject();
  }

  boolean json() {
    return root().json;
  }

  @Override
  public final Integer call() throws Exception {
    try (RoomContext room = RoomContext.of(root())) {
      return run(room);
    }
  }

  abstract int run(RoomContext room) throws Exception;

  /** Standard output as raw bytes (a {@code PrintStream} would swallow write errors). */
  static OutputStream stdout() {
    return new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
  }

  static InputStream stdin() {
    return new FileInputStream(FileDescriptor.in);
  }

  /** Prints a line of text to stdout. */
  void println(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** A JSON string literal. */
  static String q(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
