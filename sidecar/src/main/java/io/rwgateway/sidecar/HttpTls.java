package io.rwgateway.sidecar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@link SSLContext} for {@code tls_config}: trusted CAs from {@code ca_file} (else the JDK's),
 * a client certificate from {@code cert_file}/{@code key_file} (PEM; the key PKCS#8 or PKCS#1 RSA),
 * {@code server_name} checked against the server certificate's names, or no check at all with
 * {@code insecure_skip_verify}.
 *
 * <p>NOTE: the trust managers here are {@link X509ExtendedTrustManager}s on purpose. The JDK checks
 * the URL's host name itself only around a plain {@link X509TrustManager}; an extended one is
 * trusted to do that check, which is what lets {@code server_name} replace the host and {@code
 * insecure_skip_verify} drop it.
 */
final class HttpTls {
  private HttpTls() {}

  static SSLContext context(PrometheusHttpConfig.Tls tls) {
    try {
      KeyManager[] keys = tls.certFile() == null ? null : keyManagers(tls);
      TrustManager[] trust;
      if (tls.insecureSkipVerify()) {
        trust = new TrustManager[] {new TrustAll()};
      } else {
        X509ExtendedTrustManager base = trustManager(tls.caFile());
        trust =
            new TrustManager[] {
              tls.serverName() == null ? base : new ServerNameCheck(base, tls.serverName())
            };
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("tls_config: " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager trustManager(Path caFile)
      throws IOException, GeneralSecurityException {
    KeyStore ks = null;
    if (caFile != null) {
      ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      Collection<? extends Certificate> certs = certificates(caFile, "ca_file");
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks); // null: the JDK's roots
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK has no X509 trust manager");
  }

  private static Collection<? extends Certificate> certificates(Path file, String key)
      throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(file)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException(key + " " + file + " holds no PEM certificate");
    }
    return certs;
  }

  private static KeyManager[] keyManagers(PrometheusHttpConfig.Tls tls)
      throws IOException, GeneralSecurityException {
    Certificate[] chain = certificates(tls.certFile(), "cert_file").toArray(new Certificate[0]);
    PrivateKey key = privateKey(tls.keyFile());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] none = new char[0];
    ks.setKeyEntry("client", key, none, chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, none);
    return kmf.getKeyManagers();
  }

  /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}). */
  static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String type = pemType(pem);
    if (type == null) {
      throw new GeneralSecurityException("key_file " + file + " holds no PEM private key");
    }
    byte[] der = pemBody(pem, type);
    byte[] pkcs8;
    switch (type) {
      case "PRIVATE KEY":
        pkcs8 = der;
        break;
      case "RSA PRIVATE KEY":
        pkcs8 = rsaPkcs1ToPkcs8(der);
        break;
      default:
        throw new GeneralSecurityException(
            "key_file "
                + file
                + " holds a '"
                + type
                + "'; use an unencrypted PKCS#8 or PKCS#1 RSA key (convert with: openssl pkcs8"
                + " -topk8 -nocrypt -in KEY -out KEY.pkcs8)");
    }
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("key_file " + file + ": unsupported key algorithm", last);
  }

  private static String pemType(String pem) {
    int b = pem.indexOf("-----BEGIN ");
    if (b < 0) {
      return null;
    }
    int e = pem.indexOf("-----", b + 11);
    return e < 0 ? null : pem.substring(b + 11, e);
  }

  private static byte[] pemBody(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin) + begin.length();
    int to = pem.indexOf(end, from);
    return Base64.getMimeDecoder().decode(pem.substring(from, to < 0 ? pem.length() : to));
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption). */
  private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    writeDerLength(body, pkcs1.length);
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeDerLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeDerLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
      return;
    }
    int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(len >>> (8 * i));
    }
  }

  /** {@code insecure_skip_verify}: any certificate, any name. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * {@code server_name}: the chain is validated as usual, and the server certificate must name
   * {@code serverName} (a DNS or IP subject alternative name; a {@code *.} wildcard covers one
   * label), whatever host the URL names. The common name is not consulted, as Go does not.
   */
  private static final class ServerNameCheck extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager chainCheck;
    private final String serverName;

    ServerNameCheck(X509ExtendedTrustManager chainCheck, String serverName) {
      this.chainCheck = chainCheck;
      this.serverName = serverName.toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // The two-argument form validates the chain without any host name check.
      chainCheck.checkServerTrusted(chain, authType);
      if (!names(chain[0], serverName)) {
        throw new CertificateException(
            "server certificate is not valid for server_name " + serverName);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      chainCheck.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      chainCheck.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      chainCheck.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chainCheck.getAcceptedIssuers();
    }
  }

  /** Whether {@code cert} names {@code name} (lower case) in its subject alternative names. */
  static boolean names(X509Certificate cert, String name) throws CertificateException {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    boolean isIp = looksLikeIp(name);
    for (List<?> san : sans) {
      int kind = (Integer) san.get(0);
      String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
      if (kind == 7 && isIp && sameIp(value, name)) {
        return true;
      }
      if (kind == 2 && !isIp && dnsMatches(value, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String name) {
    if (pattern.equals(name)) {
      return true;
    }
    if (pattern.startsWith("*.")) {
      int dot = name.indexOf('.');
      return dot > 0 && name.substring(dot).equals(pattern.substring(1));
    }
    return false;
  }

  private static boolean looksLikeIp(String name) {
    if (name.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  private static boolean sameIp(String a, String b) {
    try {
      // Literal addresses only: getByName does no lookup for them.
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (IOException e) {
      return false;
    }
  }
}
