package io.rwgateway.uploader;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 endpoint for tests: S3Proxy in-process on 127.0.0.1, storing objects in a directory
 * (the {@code filesystem-nio2} backend), with AWS signature checks on (V2 or V4) for one fixed key
 * pair, and unknown headers ignored (the SDK sends a few S3Proxy does not know). One bucket, {@link
 * #BUCKET}, exists from the start; {@link #createBucket} adds more.
 *
 * <p>{@link #stop()} and {@link #start()} again reuse the same port and the same directory, so a
 * client configured once sees "the server went away" and then "it is back, with its data" (the
 * shipper's retry and the "server down mid-upload" tests need exactly that).
 *
 * <p>Reused by other modules' tests through this module's test-jar: depends only on S3Proxy and the
 * uploader's own classes. Typical use:
 *
 * <pre>
 * try (S3ProxyServer s3 = new S3ProxyServer(tmpDir)) {
 *   Bucket bucket = s3.newBucket();             // S3Bucket with the right endpoint and keys
 *   String yaml = s3.objstoreYaml();            // the same, as a Thanos objstore config
 *   s3.stop(); ... s3.start();                  // outage on the same port
 * }
 * </pre>
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "rwgateway-test-access";
  public static final String SECRET_KEY = "rwgateway-test-secret-key-0123456789";
  public static final String BUCKET = "blocks";

  private final Path dataDir;
  private final boolean ownDataDir;
  private final Path keyStore;
  private final String keyStorePassword;
  private BlobStore blobStore;
  private S3Proxy proxy;
  private int port;

  /** Stores into a fresh temporary directory, deleted by {@link #close()}. */
  public S3ProxyServer() throws IOException {
    this(Files.createTempDirectory("s3proxy-"), true, null, null);
  }

  /** Stores into {@code dataDir} (created if needed, left in place by {@link #close()}). */
  public S3ProxyServer(Path dataDir) throws IOException {
    this(dataDir, false, null, null);
  }

  /**
   * HTTPS only, with the server key and certificate in a PKCS#12 {@code keyStore}. Clients need
   * {@code insecure: false} and a {@code ca_file} (or {@code insecure_skip_verify}).
   */
  public static S3ProxyServer withTls(Path dataDir, Path keyStore, String password)
      throws IOException {
    return new S3ProxyServer(dataDir, false, keyStore, password);
  }

  private S3ProxyServer(Path dataDir, boolean ownDataDir, Path keyStore, String password)
      throws IOException {
    this.dataDir = dataDir.toAbsolutePath();
    this.ownDataDir = ownDataDir;
    this.keyStore = keyStore;
    this.keyStorePassword = password;
    Files.createDirectories(this.dataDir);
    start();
    createBucket(BUCKET);
  }

  /**
   * Starts the server: on a free port the first time, on the same port afterwards. No-op when
   * running.
   */
  public synchronized void start() throws IOException {
    if (proxy != null) {
      return;
    }
    // A new blob store over the same directory: what a restarted server would see.
    blobStore = new FilesystemNio2BlobStore(dataDir.toString());
    URI uri = URI.create((tls() ? "https" : "http") + "://127.0.0.1:" + port);
    S3Proxy.Builder b =
        S3Proxy.builder()
            .blobStore(blobStore)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .stopTimeout(0);
    if (tls()) {
      b.secureEndpoint(uri).keyStore(keyStore.toString(), keyStorePassword);
    } else {
      b.endpoint(uri);
    }
    S3Proxy p = b.build();
    try {
      p.start();
    } catch (Exception e) {
      blobStore.close();
      restoreInterrupt(e);
      throw new IOException("S3Proxy did not start on " + uri + ": " + e, e);
    }
    port = tls() ? p.getSecurePort() : p.getPort();
    proxy = p;
  }

  /** Stops the server; the port and the data stay for {@link #start()}. No-op when stopped. */
  public synchronized void stop() throws IOException {
    if (proxy == null) {
      return;
    }
    try {
      proxy.stop();
    } catch (Exception e) {
      restoreInterrupt(e);
      throw new IOException("S3Proxy did not stop: " + e, e);
    } finally {
      proxy = null;
      blobStore.close();
    }
  }

  public synchronized boolean running() {
    return proxy != null;
  }

  /** Creates another bucket (no-op when it exists). */
  public synchronized void createBucket(String name) {
    if (!blobStore.containerExists(name)) {
      blobStore.createContainer(name);
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}, as Thanos' {@code endpoint} key wants it. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  public boolean tls() {
    return keyStore != null;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  public String bucket() {
    return BUCKET;
  }

  /** Where the objects live: {@code <dataDir>/<bucket>/<key>}. */
  public Path dataDir() {
    return dataDir;
  }

  /** An {@link S3Config} builder pointing at this server and {@code bucket}, with its keys. */
  public S3Config.Builder configBuilder(String bucket) {
    return S3Config.builder()
        .bucket(bucket)
        .endpoint(endpoint())
        .insecure(!tls())
        .accessKey(ACCESS_KEY)
        .secretKey(SECRET_KEY);
  }

  public S3Config.Builder configBuilder() {
    return configBuilder(BUCKET);
  }

  /** An {@link S3Bucket} on {@link #BUCKET} (the caller closes it). */
  public S3Bucket newBucket() throws ObjstoreConfigException {
    return new S3Bucket(configBuilder().build());
  }

  /** This server as a Thanos objstore config file's text ({@link ObjstoreConfig#parse}). */
  public String objstoreYaml() {
    return "type: S3\n"
        + "config:\n"
        + "  bucket: "
        + BUCKET
        + "\n"
        + "  endpoint: "
        + endpoint()
        + "\n"
        + "  insecure: "
        + !tls()
        + "\n"
        + "  access_key: "
        + ACCESS_KEY
        + "\n"
        + "  secret_key: "
        + SECRET_KEY
        + "\n";
  }

  @Override
  public void close() throws IOException {
    stop();
    if (ownDataDir) {
      deleteTree(dataDir);
    }
  }

  private static void restoreInterrupt(Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
