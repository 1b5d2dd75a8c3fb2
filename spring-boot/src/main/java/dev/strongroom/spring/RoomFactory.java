package dev.strongroom.spring;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditSink;
import dev.strongroom.audit.AuditSinks;
import dev.strongroom.observe.RoomObserver;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/** Builds a room from {@link StrongroomProperties}. Stateless. */
final class RoomFactory {
  private RoomFactory() {}

  /**
   * A room for {@code properties}, auditing to the configured sinks and {@code extraSinks}, each
   * wrapped by {@code monitor}, and observed by {@code observer}.
   *
   * @throws IllegalStateException if {@code strongroom.uri} is missing or the audit key is not set
   */
  static Strongroom build(
      StrongroomProperties properties,
      List<AuditSink> extraSinks,
      AuditMonitor monitor,
      RoomObserver observer,
      UnaryOperator<String> env) {
    if (properties.getUri() == null || properties.getUri().isBlank()) {
      throw new IllegalStateException(
          "expected strongroom.uri (such as file:/var/lib/app/strongroom) but it is not set");
    }
    Strongroom.Builder builder =
        Strongroom.builder()
            .uri(properties.getUri())
            .principal(properties.getPrincipal())
            .refreshAfter(properties.getRefresh())
            .maxStaleness(properties.getStaleness())
            .maximumSize(properties.getCacheSize())
            .observer(observer);
    StrongroomProperties.Audit audit = properties.getAudit();
    if (audit.getFile() != null) {
      builder.audit(monitor.wrap(jsonLines(audit, env)));
    }
    if (audit.isSlf4j()) {
      builder.audit(monitor.wrap(AuditSinks.slf4j()));
    }
    for (AuditSink sink : extraSinks) {
      builder.audit(monitor.wrap(sink));
    }
    return builder.build();
  }

  private static AuditSink jsonLines(StrongroomProperties.Audit audit, UnaryOperator<String> env) {
    String encoded = env.apply(audit.getChainKeyEnv());
    if (encoded == null || encoded.isBlank()) {
      throw new IllegalStateException(
          "strongroom.audit.file is set but the environment variable "
              + audit.getChainKeyEnv()
              + " (strongroom.audit.chain-key-env) holding its chain key is not");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "expected " + audit.getChainKeyEnv() + " to hold a base64 key but it did not");
    }
    try (SecretValue chainKey = SecretValue.of(key)) {
      return AuditSinks.jsonLines(audit.getFile(), chainKey);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }
}
