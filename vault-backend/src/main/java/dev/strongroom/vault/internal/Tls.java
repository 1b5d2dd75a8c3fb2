package dev.strongroom.vault.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** TLS set-up: trust from a PEM CA bundle, TLS 1.2 and 1.3 only. Stateless. */
public final class Tls {
  /** The protocols the client offers. */
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls() {}

  /**
   * An SSL context that trusts exactly the certificates in the PEM file {@code caFile}, or the
   * JDK's default trust store when {@code caFile} is null.
   */
  public static SSLContext context(Path caFile) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (caFile == null) {
        context.init(null, null, null);
        return context;
      }
      Collection<? extends Certificate> certs;
      try (InputStream in = Files.newInputStream(caFile)) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(
            "expected PEM certificates in the CA file but found none");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the CA file " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the CA file " + caFile, e);
    }
  }

  /** Parameters limiting the handshake to {@code PROTOCOLS}. */
  public static SSLParameters parameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(PROTOCOLS.clone());
    return parameters;
  }
}
