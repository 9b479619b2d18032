package io.rwgateway.uploader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust managers for {@code tls_config.ca_file}: the PEM certificates in the file (a private CA, or
 * a self-signed server certificate), optionally together with the JDK's root CAs ({@code
 * trust_root_ca}). Host names are still verified by the HTTP client.
 */
final class S3Tls {
  private S3Tls() {}

  static TrustManager[] trustManagers(Path caFile, boolean trustRootCa)
      throws ObjstoreConfigException {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      Collection<? extends Certificate> certs;
      try (InputStream in = Files.newInputStream(caFile)) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certs.isEmpty()) {
        throw new ObjstoreConfigException(
            "config.http_config.tls_config.ca_file " + caFile + " holds no PEM certificate");
      }
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (trustRootCa) {
        for (X509Certificate c : jdkRoots().getAcceptedIssuers()) {
          ks.setCertificateEntry("root-" + i++, c);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      if (e instanceof ObjstoreConfigException oce) {
        throw oce;
      }
      throw new ObjstoreConfigException(
          "cannot use config.http_config.tls_config.ca_file " + caFile + ": " + e, e);
    }
  }

  private static X509TrustManager jdkRoots() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK has no X509 trust manager");
  }
}
