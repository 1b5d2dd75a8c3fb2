package dev.strongroom.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.Stage;
import dev.strongroom.exception.StrongroomException;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One secret file: its name, soft-delete flag and versions (number, creation time, stages,
 * destroyed flag and sealed value). Names, numbers and stages are in clear; values only as envelope
 * ciphertexts. Immutable: changes return a new record. Thread-safe.
 */
final class SecretRecord {
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One version; {@code sealed} is null once destroyed. */
  record Version(long number, Instant created, Set<Stage> stages, byte[] sealed) {
    Version {
      stages = stages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stages));
    }

    boolean destroyed() {
      return sealed == null;
    }

    Version withStages(Set<Stage> newStages) {
      return new Version(number, created, newStages, sealed);
    }

    SecretVersion toSpi(String name) {
      return new SecretVersion(name, number, created, stages, destroyed());
    }
  }

  private final String name;
  private final boolean deleted;
  private final List<Version> versions;
  private final long generation;
  private final byte[] mac; // as read from the file, or null

  SecretRecord(String name, boolean deleted, List<Version> versions) {
    this(name, deleted, versions, 0, null);
  }

  private SecretRecord(
      String name, boolean deleted, List<Version> versions, long generation, byte[] mac) {
    this.name = name;
    this.deleted = deleted;
    this.versions = List.copyOf(versions);
    this.generation = generation;
    this.mac = mac;
  }

  /** How many times the record was written (authenticated stores); 0 in a legacy store. */
  long generation() {
    return generation;
  }

  /** The tag the file carried, or null. */
  byte[] mac() {
    return mac;
  }

  SecretRecord withGeneration(long g) {
    return new SecretRecord(name, deleted, versions, g, null);
  }

  String name() {
    return name;
  }

  boolean deleted() {
    return deleted;
  }

  List<Version> versions() {
    return versions;
  }

  long latest() {
    return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).number();
  }

  Optional<Version> version(long number) {
    return versions.stream().filter(v -> v.number() == number).findFirst();
  }

  Optional<Version> withStage(Stage stage) {
    return versions.stream().filter(v -> v.stages().contains(stage)).findFirst();
  }

  /** The same record with {@code replaced} versions (e.g. rewrapped values), same generation. */
  SecretRecord withVersions(List<Version> replaced) {
    return new SecretRecord(name, deleted, List.copyOf(replaced), generation, null);
  }

  SecretRecord withDeleted(boolean flag) {
    return new SecretRecord(name, flag, versions, generation, null);
  }

  /** Adds a version carrying {@code stage}, moving that stage (and PREVIOUS for CURRENT). */
  SecretRecord append(Version added, Stage stage) {
    List<Version> out = new ArrayList<>(versions);
    out.add(added.withStages(Set.of()));
    return new SecretRecord(name, deleted, out, generation, null).moveStage(stage, added.number());
  }

  /**
   * Moves {@code stage} to {@code target}. Moving CURRENT also moves PREVIOUS to the version that
   * was current and clears PENDING from {@code target}.
   */
  SecretRecord moveStage(Stage stage, long target) {
    long oldCurrent = withStage(Stage.CURRENT).map(Version::number).orElse(0L);
    List<Version> out = new ArrayList<>(versions.size());
    for (Version v : versions) {
      EnumSet<Stage> stages =
          v.stages().isEmpty() ? EnumSet.noneOf(Stage.class) : EnumSet.copyOf(v.stages());
      stages.remove(stage);
      if (v.number() == target) {
        stages.add(stage);
      }
      if (stage == Stage.CURRENT && oldCurrent != 0 && oldCurrent != target) {
        stages.remove(Stage.PREVIOUS);
        if (v.number() == oldCurrent) {
          stages.add(Stage.PREVIOUS);
        }
      }
      if (stage == Stage.CURRENT && v.number() == target) {
        stages.remove(Stage.PENDING);
        stages.remove(Stage.PREVIOUS);
      }
      out.add(v.withStages(stages));
    }
    return new SecretRecord(name, deleted, out, generation, null);
  }

  SecretRecord destroy(long number) {
    List<Version> out = new ArrayList<>(versions.size());
    for (Version v : versions) {
      out.add(v.number() == number ? new Version(v.number(), v.created(), v.stages(), null) : v);
    }
    return new SecretRecord(name, deleted, out, generation, null);
  }

  SecretMetadata toMetadata() {
    return new SecretMetadata(name, versions.stream().map(v -> v.toSpi(name)).toList(), deleted);
  }

  /** The file's bytes; {@code tag} (HMAC over the record, see {@link RecordAuth}) may be null. */
  byte[] toJson(byte[] tag) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("name", name);
    root.put("deleted", deleted);
    if (tag != null) {
      root.put("generation", generation);
      root.put("mac", Base64.getEncoder().encodeToString(tag));
    }
    ArrayNode list = root.putArray("versions");
    for (Version v : versions) {
      ObjectNode node = list.addObject();
      node.put("version", v.number());
      node.put("created", v.created().toString());
      ArrayNode stages = node.putArray("stages");
      EnumSet<Stage> sorted = EnumSet.noneOf(Stage.class);
      sorted.addAll(v.stages());
      sorted.forEach(s -> stages.add(s.name()));
      node.put("destroyed", v.destroyed());
      if (!v.destroyed()) {
        node.put("value", Base64.getEncoder().encodeToString(v.sealed()));
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode secret record", e);
    }
  }

  /** Parses a secret file; any defect is a {@link StrongroomException} naming the file only. */
  static SecretRecord parse(Path file, String expectedName, byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null
          || root.path("format").asInt() != FORMAT
          || !root.path("name").isTextual()
          || !root.path("deleted").isBoolean()
          || !root.path("versions").isArray()) {
        throw corrupt(file, null);
      }
      String name = root.path("name").asText();
      if (expectedName != null && !expectedName.equals(name)) {
        throw corrupt(file, null);
      }
      List<Version> versions = new ArrayList<>();
      long last = 0;
      for (JsonNode node : root.path("versions")) {
        long number = node.path("version").asLong();
        if (number <= last || !node.path("stages").isArray()) {
          throw corrupt(file, null);
        }
        last = number;
        EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
        for (JsonNode s : node.path("stages")) {
          stages.add(Stage.valueOf(s.asText()));
        }
        boolean destroyed = node.path("destroyed").asBoolean();
        byte[] sealed = null;
        if (!destroyed) {
          if (!node.path("value").isTextual()) {
            throw corrupt(file, null);
          }
          sealed = Base64.getDecoder().decode(node.path("value").asText());
        }
        versions.add(
            new Version(number, Instant.parse(node.path("created").asText()), stages, sealed));
      }
      byte[] tag =
          root.path("mac").isTextual()
              ? Base64.getDecoder().decode(root.path("mac").asText())
              : null;
      return new SecretRecord(
          name, root.path("deleted").asBoolean(), versions, root.path("generation").asLong(), tag);
    } catch (IOException | RuntimeException e) {
      if (e instanceof StrongroomException) {
        throw (StrongroomException) e;
      }
      // the parser's message may quote the file's text: keep only its class
      throw corrupt(file, new StrongroomException(e.getClass().getSimpleName()));
    }
  }

  static StrongroomException corrupt(Path file, Exception cause) {
    return new StrongroomException("corrupt secret file " + file, cause);
  }
}
