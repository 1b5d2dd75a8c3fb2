package dev.strongroom.testkit;

import dev.strongroom.SecretValue;
import dev.strongroom.spi.GeneratedKey;
import dev.strongroom.spi.KeyEncryptionService;
import dev.strongroom.spi.KeyInfo;
import dev.strongroom.spi.UnwrapRequest;
import dev.strongroom.spi.WrapRequest;
import dev.strongroom.spi.WrappedKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key service that counts the calls it passes to a delegate, and can make {@link #generate} and
 * {@link #unwrap} slow so that concurrent misses overlap. Thread-safe.
 */
public final class CountingKeyService implements KeyEncryptionService {
  public final AtomicInteger generates = new AtomicInteger();
  public final AtomicInteger wraps = new AtomicInteger();
  public final AtomicInteger unwraps = new AtomicInteger();
  public final AtomicInteger rewraps = new AtomicInteger();

  /**
   * Batch rewrap calls ({@link #rewrapAll}); the keys inside are not counted in {@link #rewraps}.
   */
  public final AtomicInteger batchRewraps = new AtomicInteger();

  private final KeyEncryptionService delegate;
  private final Duration delay;

  public CountingKeyService(KeyEncryptionService delegate) {
    this(delegate, Duration.ZERO);
  }

  public CountingKeyService(KeyEncryptionService delegate, Duration delay) {
    this.delegate = delegate;
    this.delay = delay;
  }

  /** Every data-key call (generate, wrap, unwrap, rewrap) so far. */
  public int calls() {
    return generates.get() + wraps.get() + unwraps.get() + rewraps.get() + batchRewraps.get();
  }

  @Override
  public String keyRef(String keyName) {
    return delegate.keyRef(keyName);
  }

  @Override
  public WrappedKey wrap(WrapRequest request) {
    wraps.incrementAndGet();
    return delegate.wrap(request);
  }

  @Override
  public SecretValue unwrap(UnwrapRequest request) {
    unwraps.incrementAndGet();
    pause();
    return delegate.unwrap(request);
  }

  @Override
  public WrappedKey rewrap(UnwrapRequest request) {
    rewraps.incrementAndGet();
    return delegate.rewrap(request);
  }

  @Override
  public java.util.List<java.util.Optional<WrappedKey>> rewrapAll(
      String keyName, java.util.List<byte[]> wrappedKeys, byte[] aad) {
    batchRewraps.incrementAndGet();
    return KeyEncryptionService.super.rewrapAll(keyName, wrappedKeys, aad);
  }

  @Override
  public java.util.OptionalInt wrappedVersion(byte[] wrapped) {
    return delegate.wrappedVersion(wrapped);
  }

  @Override
  public GeneratedKey generate(WrapRequest.Generate request) {
    generates.incrementAndGet();
    pause();
    return delegate.generate(request);
  }

  @Override
  public KeyInfo createKey(String keyName) {
    return delegate.createKey(keyName);
  }

  @Override
  public KeyInfo rotate(String keyName) {
    return delegate.rotate(keyName);
  }

  @Override
  public java.util.List<String> keyNames() {
    return delegate.keyNames();
  }

  @Override
  public KeyInfo describe(String keyName) {
    return delegate.describe(keyName);
  }

  @Override
  public KeyInfo setMinDecryptionVersion(String keyName, int version) {
    return delegate.setMinDecryptionVersion(keyName, version);
  }

  @Override
  public void destroyKey(String keyName) {
    delegate.destroyKey(keyName);
  }

  /** Widens the race window of concurrent misses; no test asserts on elapsed time. */
  private void pause() {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
