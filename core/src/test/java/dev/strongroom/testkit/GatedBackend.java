package dev.strongroom.testkit;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow backend driven by a latch, not by sleeps: every secret read and KEK call waits at a gate
 * until the test opens it, counts itself per name, and records any monitor its thread holds ({@link
 * MonitorProbe}). Delegates to another backend. Thread-safe.
 */
public final class GatedBackend implements Backend {
  private static final long GATE_TIMEOUT_SECONDS = 120;

  private final Backend delegate;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch firstCall = new CountDownLatch(1);
  private final Map<String, AtomicLong> reads = new ConcurrentHashMap<>();
  private final AtomicLong kekCalls = new AtomicLong();
  private final MonitorProbe monitors = new MonitorProbe();
  private final SecretStore secrets = new Store();
  private final KeyEncryptionService keys = new Keys();

  private GatedBackend(Backend delegate) {
    this.delegate = delegate;
  }

  /** Wraps {@code delegate} with the gate closed. */
  public static GatedBackend closed(Backend delegate) {
    return new GatedBackend(delegate);
  }

  /** Opens the gate for every waiting and later call. */
  public void open() {
    gate.countDown();
  }

  /** Waits until some call reached the gate. */
  public boolean awaitFirstCall(long timeout, TimeUnit unit) throws InterruptedException {
    return firstCall.await(timeout, unit);
  }

  /** Secret reads so far, by name. */
  public Map<String, Long> reads() {
    Map<String, Long> out = new java.util.TreeMap<>();
    reads.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** KEK calls (wrap, unwrap, generate, rewrap) so far. */
  public long kekCalls() {
    return kekCalls.get();
  }

  /** Monitors held by platform threads inside backend calls. */
  public List<String> monitorsHeld() {
    return monitors.held();
  }

  private void pass(String where) {
    monitors.check(where);
    firstCall.countDown();
    try {
      if (!gate.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted at the gate", e);
    }
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  @Override
  public Optional<LeaseProvider> leases() {
    return delegate.leases();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private final class Store implements SecretStore {
    private SecretStore d() {
      return delegate.secrets();
    }

    @Override
    public Optional<StoredSecret> read(ReadRequest request) {
      reads.computeIfAbsent(request.name(), k -> new AtomicLong()).incrementAndGet();
      pass("read " + request.name());
      return d().read(request);
    }

    @Override
    public SecretVersion write(dev.strongroom.spi.WriteRequest request) {
      return d().write(request);
    }

    @Override
    public List<String> list(String prefix) {
      return d().list(prefix);
    }

    @Override
    public SecretMetadata metadata(String name) {
      return d().metadata(name);
    }

    @Override
    public SecretMetadata moveStage(MoveStageRequest request) {
      String name = request.name();
      Stage stage = request.stage();
      long version = request.version();
      long expectedCurrent = request.expectedCurrent();
      return d().moveStage(request);
    }

    @Override
    public void delete(String name) {
      d().delete(name);
    }

    @Override
    public void undelete(String name) {
      d().undelete(name);
    }

    @Override
    public void destroy(DestroyRequest request) {
      String name = request.name();
      List<Long> versions = request.versions();
      d().destroy(request);
    }
  }

  private final class Keys implements KeyEncryptionService {
    private KeyEncryptionService d() {
      return delegate.keys();
    }

    private void call(String what) {
      kekCalls.incrementAndGet();
      pass(what);
    }

    @Override
    public String keyRef(String keyName) {
      return d().keyRef(keyName);
    }

    @Override
    public WrappedKey wrap(WrapRequest request) {
      call("wrap");
      return d().wrap(request);
    }

    @Override
    public SecretValue unwrap(UnwrapRequest request) {
      call("unwrap");
      return d().unwrap(request);
    }

    @Override
    public WrappedKey rewrap(UnwrapRequest request) {
      call("rewrap");
      return d().rewrap(request);
    }

    @Override
    public GeneratedKey generate(WrapRequest.Generate request) {
      call("generate");
      return d().generate(request);
    }

    @Override
    public KeyInfo createKey(String keyName) {
      return d().createKey(keyName);
    }

    @Override
    public KeyInfo rotate(String keyName) {
      return d().rotate(keyName);
    }

    @Override
    public java.util.List<String> keyNames() {
      return d().keyNames();
    }

    @Override
    public KeyInfo describe(String keyName) {
      return d().describe(keyName);
    }

    @Override
    public KeyInfo setMinDecryptionVersion(String keyName, int version) {
      return d().setMinDecryptionVersion(keyName, version);
    }

    @Override
    public void destroyKey(String keyName) {
      d().destroyKey(keyName);
    }
  }
}
