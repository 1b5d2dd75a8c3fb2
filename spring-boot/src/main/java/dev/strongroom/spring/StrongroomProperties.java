package dev.strongroom.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code strongroom.*} settings: where the backend is, who the room acts for, the audit file,
 * and how the cache refreshes. A mutable JavaBean for Spring's binder, so not thread-safe; it is
 * read once, when the room is built.
 *
 * <pre>
 * strongroom.uri=file:/var/lib/app/strongroom
 * strongroom.principal=orders-service
 * strongroom.refresh=30s
 * strongroom.staleness=15m
 * strongroom.cache-size=10000
 * strongroom.rebind-configuration-properties=true
 * strongroom.audit.file=/var/log/app/strongroom-audit.jsonl
 * strongroom.audit.chain-key-env=STRONGROOM_AUDIT_KEY
 * strongroom.health.max-staleness=2m
 * strongroom.health.secrets=api/token
 * </pre>
 */
@ConfigurationProperties("strongroom")
public class StrongroomProperties {
  /** The defaults, before Spring binds the {@code strongroom.*} properties. */
  public StrongroomProperties() {}

  /** The backend URI, such as {@code file:/var/lib/app/strongroom} or {@code vault://host:8200}. */
  private String uri;

  /** Who the room acts for, in audit records. */
  private String principal = "anonymous";

  /** How old a cached secret gets before it is refreshed in the background. */
  private Duration refresh = Duration.ofMinutes(1);

  /** How long a cached secret is still served while the backend fails. */
  private Duration staleness = Duration.ofMinutes(15);

  /** How many secrets the cache holds at most. */
  private long cacheSize = 10_000;

  /**
   * Whether mutable {@code @ConfigurationProperties} beans over a rotated secret's properties are
   * rebound in place; constructor-bound ones never change.
   */
  private boolean rebindConfigurationProperties = true;

  private final Audit audit = new Audit();
  private final Health health = new Health();

  /** The audit sinks the room writes to. */
  public static class Audit {
    /** The defaults, before Spring binds {@code strongroom.audit.*}. */
    public Audit() {}

    /** A hash-chained JSON-lines audit file; none if not set. */
    private Path file;

    /** The environment variable holding the file's chain key (base64, 32 bytes). */
    private String chainKeyEnv = "STRONGROOM_AUDIT_KEY";

    /** Whether to also log audit events through SLF4J. */
    private boolean slf4j;

    public Path getFile() {
      return file;
    }

    public void setFile(Path file) {
      this.file = file;
    }

    public String getChainKeyEnv() {
      return chainKeyEnv;
    }

    public void setChainKeyEnv(String chainKeyEnv) {
      this.chainKeyEnv = chainKeyEnv;
    }

    public boolean isSlf4j() {
      return slf4j;
    }

    public void setSlf4j(boolean slf4j) {
      this.slf4j = slf4j;
    }
  }

  /** When the health indicator reports DOWN. */
  public static class Health {
    /** The defaults, before Spring binds {@code strongroom.health.*}. */
    public Health() {}

    /**
     * A watched secret older than this (since the backend last confirmed it) makes health DOWN;
     * twice {@code strongroom.refresh} if not set.
     */
    private Duration maxStaleness;

    /** Secrets to watch besides the imported ones, such as those read through the room. */
    private java.util.List<String> secrets = new java.util.ArrayList<>();

    public java.util.List<String> getSecrets() {
      return secrets;
    }

    public void setSecrets(java.util.List<String> secrets) {
      this.secrets = secrets;
    }

    public Duration getMaxStaleness() {
      return maxStaleness;
    }

    public void setMaxStaleness(Duration maxStaleness) {
      this.maxStaleness = maxStaleness;
    }
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getPrincipal() {
    return principal;
  }

  public void setPrincipal(String principal) {
    this.principal = principal;
  }

  public Duration getRefresh() {
    return refresh;
  }

  public void setRefresh(Duration refresh) {
    this.refresh = refresh;
  }

  public Duration getStaleness() {
    return staleness;
  }

  public void setStaleness(Duration staleness) {
    this.staleness = staleness;
  }

  public long getCacheSize() {
    return cacheSize;
  }

  public void setCacheSize(long cacheSize) {
    this.cacheSize = cacheSize;
  }

  public boolean isRebindConfigurationProperties() {
    return rebindConfigurationProperties;
  }

  public void setRebindConfigurationProperties(boolean rebindConfigurationProperties) {
    this.rebindConfigurationProperties = rebindConfigurationProperties;
  }

  public Audit getAudit() {
    return audit;
  }

  public Health getHealth() {
    return health;
  }

  /** The health bound: {@code health.max-staleness}, or twice {@code refresh}. */
  Duration healthMaxStaleness() {
    return health.maxStaleness != null ? health.maxStaleness : refresh.multipliedBy(2);
  }
}
