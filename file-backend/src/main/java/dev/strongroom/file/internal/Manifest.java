package dev.strongroom.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.exception.TamperedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store manifest {@code manifest.json}: for every secret name the store has written, the
 * generation of its latest record and whether it is live or was destroyed, under one HMAC (see
 * {@link RecordAuth}). A record older than its manifest generation is a rollback. The manifest is
 * written after the record under the store lock (a crash between the two leaves a record one
 * generation ahead, which is accepted), and before a record file is destroyed (a crash between the
 * two leaves a file behind its tombstone, which reads as destroyed). Readers take no lock and
 * reload the file when its fingerprint changes. Thread-safe.
 */
final class Manifest {
  static final String FILE = "manifest.json";
  static final int MAX_BYTES = 64 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One name's state. */
  record Entry(long generation, boolean live) {}

  private record Loaded(Map<String, Entry> entries, String fingerprint) {}

  private final Path file;
  private final RecordAuth auth;
  private volatile Loaded loaded = new Loaded(Map.of(), "");

  Manifest(Path root, RecordAuth auth) {
    this.file = root.resolve(FILE);
    this.auth = auth;
  }

  /** Writes an empty manifest; for a new store. */
  void create() {
    write(new TreeMap<>());
  }

  /** The entry of {@code name}, or null if the store never wrote it. */
  Entry get(String name) {
    return current().get(name);
  }

  /** Every entry, by name. */
  Map<String, Entry> entries() {
    return current();
  }

  /** Sets {@code name}'s entry; the caller holds the store lock. */
  void put(String name, Entry entry) {
    Map<String, Entry> next = new TreeMap<>(load().entries());
    next.put(name, entry);
    write(next);
  }

  private void write(Map<String, Entry> entries) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", 1);
    ObjectNode names = root.putObject("names");
    entries.forEach(
        (n, e) -> names.putObject(n).put("generation", e.generation()).put("live", e.live()));
    root.put("mac", Base64.getEncoder().encodeToString(auth.manifestTag(entries)));
    try {
      AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode manifest", e);
    }
  }

  private Map<String, Entry> current() {
    Loaded now = loaded;
    if (!fingerprint().equals(now.fingerprint())) {
      now = load();
      loaded = now;
    }
    return now.entries();
  }

  private Loaded load() {
    for (int attempt = 0; ; attempt++) {
      String before = fingerprint();
      byte[] bytes;
      try {
        bytes = AtomicFiles.readOrThrow(file, MAX_BYTES);
      } catch (NoSuchFileException e) {
        throw new TamperedException(
            "the store manifest " + file + " is missing: restore it from a backup");
      } catch (IOException e) {
        throw AtomicFiles.failure("cannot read", file, e);
      }
      if (!before.equals(fingerprint()) && attempt < 3) {
        continue; // replaced while we read
      }
      Map<String, Entry> entries = parse(bytes);
      return new Loaded(entries, before);
    }
  }

  private Map<String, Entry> parse(byte[] bytes) {
    Map<String, Entry> entries = new TreeMap<>();
    byte[] tag;
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || root.path("format").asInt() != 1 || !root.path("names").isObject()) {
        throw new StrongroomException("corrupt store manifest " + file);
      }
      for (Map.Entry<String, JsonNode> e : root.path("names").properties()) {
        entries.put(
            e.getKey(),
            new Entry(
                e.getValue().path("generation").asLong(), e.getValue().path("live").asBoolean()));
      }
      tag = Base64.getDecoder().decode(root.path("mac").asText());
    } catch (IOException | IllegalArgumentException e) {
      throw new StrongroomException(
          "corrupt store manifest " + file, new StrongroomException(e.getClass().getSimpleName()));
    }
    if (!RecordAuth.same(tag, auth.manifestTag(entries))) {
      throw new TamperedException(
          "the store manifest " + file + " failed its integrity check (edited or forged)");
    }
    return Map.copyOf(entries);
  }

  private String fingerprint() {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime();
    } catch (IOException e) {
      return "missing";
    }
  }
}
