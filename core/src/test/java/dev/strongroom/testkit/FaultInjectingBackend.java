package dev.strongroom.testkit;

import dev.strongroom.SecretValue;
import dev.strongroom.Stage;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.lease.Lease;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.DestroyRequest;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.LeaseProvider;
import dev.strongroom.spi.LeasedSecret;
import dev.strongroom.spi.MoveStageRequest;
import dev.strongroom.spi.ReadRequest;
import dev.strongroom.spi.SecretMetadata;
import dev.strongroom.spi.SecretStore;
import dev.strongroom.spi.SecretVersion;
import dev.strongroom.spi.StoredSecret;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import dev.strongroom.spi.WriteRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a backend so that tests can make every call fail with {@link BackendUnavailableException}
 * on demand, and count the calls that reached the store. Thread-safe.
 */
public final class FaultInjectingBackend implements Backend {
  private final Backend delegate;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong storeCalls = new AtomicLong();
  private final SecretStore secrets = new Store();
  private final KeyEncryptionService keys = new Keys();

  private FaultInjectingBackend(Backend delegate) {
    this.delegate = delegate;
  }

  /** Wraps {@code delegate}; calls pass through until {@link #failing(boolean)} says otherwise. */
  public static FaultInjectingBackend wrap(Backend delegate) {
    return new FaultInjectingBackend(delegate);
  }

  /** Makes every following call fail ({@code true}) or pass through ({@code false}). */
  public void failing(boolean fail) {
    failing.set(fail);
  }

  /** How many secret-store calls were made, failed or not. */
  public long storeCalls() {
    return storeCalls.get();
  }

  private void check() {
    if (failing.get()) {
      throw new BackendUnavailableException("injected fault: backend unavailable");
    }
  }

  private void checkStore() {
    storeCalls.incrementAndGet();
    check();
  }

  @Override
  public SecretStore secrets() {
    return secrets;
  }

  @Override
  public KeyEncryptionService keys() {
    return keys;
  }

  /** The delegate's lease provider, if any, failing like every other call. */
  @Override
  public Optional<LeaseProvider> leases() {
    return delegate.leases().map(Leases::new);
  }

  @Override
  public void close() {
    delegate.close();
  }

  private final class Leases implements LeaseProvider {
    private final LeaseProvider d;

    Leases(LeaseProvider d) {
      this.d = d;
    }

    @Override
    public LeasedSecret acquire(String path) {
      check();
      return d.acquire(path);
    }

    @Override
    public Lease renew(String leaseId, Duration increment) {
      check();
      return d.renew(leaseId, increment);
    }

    @Override
    public void revoke(String leaseId) {
      check();
      d.revoke(leaseId);
    }
  }

  private final class Store implements SecretStore {
    private SecretStore d() {
      return delegate.secrets();
    }

    @Override
    public Optional<StoredSecret> read(ReadRequest request) {
      checkStore();
      return d().read(request);
    }

    @Override
    public SecretVersion write(WriteRequest request) {
      checkStore();
      return d().write(request);
    }

    @Override
    public List<String> list(String prefix) {
      checkStore();
      return d().list(prefix);
    }

    @Override
    public SecretMetadata metadata(String name) {
      checkStore();
      return d().metadata(name);
    }

    @Override
    public SecretMetadata moveStage(MoveStageRequest request) {
      String name = request.name();
      Stage stage = request.stage();
      long version = request.version();
      long expectedCurrent = request.expectedCurrent();
      checkStore();
      return d().moveStage(request);
    }

    @Override
    public void delete(String name) {
      checkStore();
      d().delete(name);
    }

    @Override
    public void undelete(String name) {
      checkStore();
      d().undelete(name);
    }

    @Override
    public void destroy(DestroyRequest request) {
      String name = request.name();
      List<Long> versions = request.versions();
      checkStore();
      d().destroy(request);
    }
  }

  private final class Keys implements KeyEncryptionService {
    private KeyEncryptionService d() {
      return delegate.keys();
    }

    @Override
    public String keyRef(String keyName) {
      return d().keyRef(keyName);
    }

    @Override
    public WrappedKey wrap(WrapRequest request) {
      check();
      return d().wrap(request);
    }

    @Override
    public SecretValue unwrap(UnwrapRequest request) {
      check();
      return d().unwrap(request);
    }

    @Override
    public WrappedKey rewrap(UnwrapRequest request) {
      check();
      return d().rewrap(request);
    }

    @Override
    public GeneratedKey generate(WrapRequest.Generate request) {
      check();
      return d().generate(request);
    }

    @Override
    public KeyInfo createKey(String keyName) {
      check();
      return d().createKey(keyName);
    }

    @Override
    public KeyInfo rotate(String keyName) {
      check();
      return d().rotate(keyName);
    }

    @Override
    public java.util.List<String> keyNames() {
      check();
      return d().keyNames();
    }

    @Override
    public KeyInfo describe(String keyName) {
      check();
      return d().describe(keyName);
    }

    @Override
    public KeyInfo setMinDecryptionVersion(String keyName, int version) {
      check();
      return d().setMinDecryptionVersion(keyName, version);
    }

    @Override
    public void destroyKey(String keyName) {
      check();
      d().destroyKey(keyName);
    }
  }
}
