package io.rwgateway.uploader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 made with the JDK's {@code keytool} (the JDK has
 * no public API to issue certificates): a PKCS#12 key store for the server and the certificate as
 * PEM, which clients trust as their {@code ca_file}.
 */
public record TestCertificates(Path keyStore, String password, Path certPem) {

  /** Creates {@code name.p12} and {@code name.pem} in {@code dir}. */
  public static TestCertificates create(Path dir, String name)
      throws IOException, InterruptedException {
    Path ks = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    String pw = "changeit";
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        "PKCS12",
        "-keystore",
        ks.toString(),
        "-storepass",
        pw,
        "-keypass",
        pw);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        ks.toString(),
        "-storepass",
        pw,
        "-file",
        pem.toString());
    return new TestCertificates(ks, pw, pem);
  }

  /**
   * The private key as a PKCS#8 PEM file ({@code name.key} beside the certificate), for servers
   * configured with PEM files (gRPC's TLS flags).
   */
  public Path keyPem() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, password.toCharArray());
    }
    String alias = ks.aliases().nextElement();
    byte[] der = ks.getKey(alias, password.toCharArray()).getEncoded();
    Path key = certPem.resolveSibling(alias + ".key");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END PRIVATE KEY-----\n");
    return key;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
