package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** What is particular to {@link S3Bucket}: multipart, failures and their classification, paging. */
class S3BucketTest {
  private static final long MIB = 1L << 20;
  private static final AtomicInteger SEQ = new AtomicInteger();
  static S3ProxyServer server;

  @TempDir Path tmp;
  String bucketName;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startServer() throws IOException {
    server = new S3ProxyServer();
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void freshBucket() throws IOException {
    server.start(); // a test may have stopped it
    bucketName = "s3test-" + SEQ.incrementAndGet();
    server.createBucket(bucketName);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    server.start();
  }

  /** An S3Bucket over a recording client, with the given list page size. */
  RecordingS3Client recording(S3Config cfg) throws ObjstoreConfigException {
    RecordingS3Client client = new RecordingS3Client(S3Clients.build(cfg));
    toClose.add(client);
    return client;
  }

  S3Bucket bucket(S3Config cfg, RecordingS3Client client, int pageSize) {
    return new S3Bucket(cfg, client, pageSize);
  }

  S3Bucket plain(S3Config cfg) throws ObjstoreConfigException {
    S3Bucket b = new S3Bucket(cfg);
    toClose.add(b);
    return b;
  }

  Path randomFile(String name, long size) throws IOException {
    Path p = tmp.resolve(name);
    byte[] buf = new byte[1 << 20];
    Random r = new Random(size);
    try (var out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return p;
  }

  @Test
  void aFileLargerThanPartSizeGoesUpInPartsAndDownloadsIdentical() throws IOException {
    S3Config cfg = server.configBuilder(bucketName).partSize(5 * MIB).build();
    RecordingS3Client client = recording(cfg);
    S3Bucket b = bucket(cfg, client, 1000);
    Path src = randomFile("big", 12 * MIB + 12345);
    b.upload("01BIG/chunks/000001", src);

    assertEquals(1, client.calls("createMultipartUpload"));
    assertEquals(3, client.calls("uploadPart"), "5 MiB + 5 MiB + the rest");
    assertEquals(1, client.calls("completeMultipartUpload"));
    assertEquals(0, client.calls("putObject"));
    List<Long> sizes =
        client.requests(UploadPartRequest.class).stream()
            .map(UploadPartRequest::contentLength)
            .toList();
    assertEquals(List.of(5 * MIB, 5 * MIB, 2 * MIB + 12345), sizes);

    Path back = tmp.resolve("back");
    b.download("01BIG/chunks/000001", back);
    assertEquals(-1L, Files.mismatch(src, back), "downloaded bytes differ from the source");
  }

  @Test
  void disableMultipartUsesOnePutAndAFileOfExactlyPartSizeToo() throws IOException {
    S3Config off =
        server.configBuilder(bucketName).partSize(5 * MIB).disableMultipart(true).build();
    RecordingS3Client c1 = recording(off);
    bucket(off, c1, 1000).upload("big", randomFile("big", 6 * MIB));
    assertEquals(1, c1.calls("putObject"));
    assertEquals(0, c1.calls("uploadPart"));

    S3Config on = server.configBuilder(bucketName).partSize(5 * MIB).build();
    RecordingS3Client c2 = recording(on);
    bucket(on, c2, 1000).upload("exact", randomFile("exact", 5 * MIB));
    assertEquals(1, c2.calls("putObject"));
    assertEquals(0, c2.calls("createMultipartUpload"));
  }

  @Test
  void thePartSizeGrowsSoAFileNeverNeedsMoreThan10000Parts() {
    assertEquals(64 * MIB, S3MultipartUpload.partSizeFor(64 * MIB, 100 * MIB));
    long huge = 10_000 * 64 * MIB + 1;
    long part = S3MultipartUpload.partSizeFor(64 * MIB, huge);
    assertTrue(part > 64 * MIB);
    assertTrue((huge + part - 1) / part <= 10_000);
  }

  @Test
  void aMultipartUploadCutShortByAnOutageLeavesNoObjectAndCanBeRetried() throws IOException {
    S3Config cfg = server.configBuilder(bucketName).partSize(5 * MIB).build();
    RecordingS3Client client = recording(cfg);
    S3Bucket b = bucket(cfg, client, 1000);
    Path src = randomFile("big", 12 * MIB);
    client.afterUploadPart =
        () -> {
          try {
            server.stop();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    BucketException e =
        assertThrows(BucketException.class, () -> b.upload("01CUT/chunks/000001", src));
    assertTrue(e.retryable(), e.getMessage());
    assertEquals("network", e.reason(), e.getMessage());
    assertEquals(0, client.calls("completeMultipartUpload"));
    assertEquals(1, client.calls("abortMultipartUpload"), "an abort is attempted");

    client.afterUploadPart = () -> {};
    server.start();
    assertFalse(b.exists("01CUT/chunks/000001"), "a cut multipart upload must not leave an object");
    assertEquals(List.of(), b.list(""));
    assertEquals(List.of(), b.list("01CUT/chunks/"));

    b.upload("01CUT/chunks/000001", src); // the shipper's retry
    Path back = tmp.resolve("back");
    b.download("01CUT/chunks/000001", back);
    assertEquals(-1L, Files.mismatch(src, back));
  }

  @Test
  void wrongCredentialsAreAPermanentDenialThatNamesBucketAndEndpointButNoSecret()
      throws IOException {
    String badSecret = "not-the-secret-" + SEQ.get();
    S3Bucket b = plain(server.configBuilder(bucketName).secretKey(badSecret).build());
    Path f = randomFile("f", 10);
    BucketException e = assertThrows(BucketException.class, () -> b.upload("k", f));
    assertEquals("denied", e.reason(), e.getMessage());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains(bucketName), e.getMessage());
    assertTrue(e.getMessage().contains(server.endpoint()), e.getMessage());
    assertTrue(e.getMessage().contains("\"k\""), e.getMessage());
    assertFalse(e.getMessage().contains(badSecret), e.getMessage());

    S3Bucket unknownKey = plain(server.configBuilder(bucketName).accessKey("nobody").build());
    assertEquals("denied", assertThrows(BucketException.class, () -> unknownKey.list("")).reason());
    assertEquals(
        "denied", assertThrows(BucketException.class, () -> unknownKey.exists("k")).reason());
  }

  @Test
  void aStoppedServerIsARetryableNetworkErrorForEveryOperation() throws IOException {
    S3Bucket b = plain(server.configBuilder(bucketName).build());
    Path f = randomFile("f", 1000);
    b.upload("there", f);
    server.stop();
    List<Executable> ops =
        List.of(
            () -> b.upload("k", f),
            () -> b.exists("there"),
            () -> b.list(""),
            () -> b.download("there", tmp.resolve("out")),
            () -> b.delete("there"));
    for (Executable op : ops) {
      BucketException e = assertThrows(BucketException.class, op::run);
      assertEquals("network", e.reason(), e.getMessage());
      assertTrue(e.retryable(), e.getMessage());
    }
    assertFalse(Files.exists(tmp.resolve("out")));
    server.start();
    assertTrue(b.exists("there"), "the data survives a restart");
  }

  interface Executable {
    void run() throws IOException;
  }

  @Test
  void aMissingBucketIsAPermanentNoSuchBucket() throws IOException {
    S3Bucket b = plain(server.configBuilder("no-such-bucket-here").build());
    BucketException e = assertThrows(BucketException.class, () -> b.list(""));
    assertEquals("no_such_bucket", e.reason(), e.getMessage());
    assertFalse(e.retryable());
    Path f = randomFile("f", 10);
    assertEquals(
        "no_such_bucket", assertThrows(BucketException.class, () -> b.upload("k", f)).reason());
  }

  @Test
  void listFollowsContinuationTokensAcrossPages() throws IOException {
    S3Config cfg = server.configBuilder(bucketName).build();
    RecordingS3Client client = recording(cfg);
    S3Bucket b = bucket(cfg, client, 7);
    Path f = randomFile("f", 3);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String k = String.format("p/obj-%02d", i);
      b.upload(k, f);
      expected.add(k);
    }
    for (String d : List.of("p/dir-a/", "p/dir-b/", "p/dir-c/")) {
      b.upload(d + "x", f);
      b.upload(d + "y", f);
      expected.add(d);
    }
    expected.sort(null);
    List<String> got = b.list("p/");
    assertEquals(expected, got);
    assertTrue(
        client.calls("listObjectsV2") >= 4,
        "28 entries at 7 per page: " + client.calls("listObjectsV2"));
  }

  @Test
  void contentMd5IsSentUnlessDisabled() throws Exception {
    Path f = randomFile("f", 4096);
    String md5 =
        Base64.getEncoder()
            .encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f)));

    S3Config on = server.configBuilder(bucketName).build();
    RecordingS3Client c1 = recording(on);
    bucket(on, c1, 1000).upload("k", f);
    assertEquals(md5, c1.requests(PutObjectRequest.class).get(0).contentMD5());

    S3Config off = server.configBuilder(bucketName).sendContentMd5(false).build();
    RecordingS3Client c2 = recording(off);
    bucket(off, c2, 1000).upload("k", f);
    assertNull(c2.requests(PutObjectRequest.class).get(0).contentMD5());
  }

  @Test
  void userMetadataAndStorageClassAreStoredWithTheObject() throws IOException {
    S3Config cfg =
        server
            .configBuilder(bucketName)
            .userMetadata(Map.of("team", "observability", "X-Amz-Storage-Class", "STANDARD_IA"))
            .build();
    assertEquals("STANDARD_IA", cfg.storageClass());
    assertEquals(Map.of("team", "observability"), cfg.userMetadata());
    RecordingS3Client client = recording(cfg);
    bucket(cfg, client, 1000).upload("k", randomFile("f", 10));
    var head =
        client.headObjectRaw(HeadObjectRequest.builder().bucket(bucketName).key("k").build());
    assertEquals("observability", head.metadata().get("team"));
    assertEquals(
        "STANDARD_IA", client.requests(PutObjectRequest.class).get(0).storageClassAsString());
  }

  @Test
  void sseSettingsGoOnSinglePutsAndMultipartUploads() throws IOException {
    S3Config cfg =
        server
            .configBuilder(bucketName)
            .partSize(5 * MIB)
            .sse(S3Config.Sse.SSE_KMS, "arn:aws:kms:us-east-1:1:key/k", Map.of("team", "obs"))
            .build();
    RecordingS3Client client = recording(cfg);
    S3Bucket b = bucket(cfg, client, 1000);
    // S3Proxy's filesystem backend may refuse KMS; what matters here is what we ask for.
    try {
      b.upload("small", randomFile("s", 10));
    } catch (BucketException ignored) {
      // checked below from the request
    }
    try {
      b.upload("large", randomFile("l", 6 * MIB));
    } catch (BucketException ignored) {
      // checked below from the request
    }
    PutObjectRequest put = client.requests(PutObjectRequest.class).get(0);
    assertEquals(ServerSideEncryption.AWS_KMS, put.serverSideEncryption());
    assertEquals("arn:aws:kms:us-east-1:1:key/k", put.ssekmsKeyId());
    assertEquals(
        Base64.getEncoder().encodeToString("{\"team\":\"obs\"}".getBytes(StandardCharsets.UTF_8)),
        put.ssekmsEncryptionContext());
    CreateMultipartUploadRequest create =
        client.requests(CreateMultipartUploadRequest.class).get(0);
    assertEquals(ServerSideEncryption.AWS_KMS, create.serverSideEncryption());
    assertEquals("arn:aws:kms:us-east-1:1:key/k", create.ssekmsKeyId());
  }

  @Test
  void aPrefixedS3BucketKeepsItsObjectsUnderThePrefix() throws IOException {
    S3Bucket raw = plain(server.configBuilder(bucketName).build());
    Bucket b = PrefixedBucket.wrap(raw, "tenant-a");
    b.upload("01A/meta.json", randomFile("m", 10));
    assertTrue(raw.exists("tenant-a/01A/meta.json"));
    assertEquals(List.of("tenant-a/"), raw.list(""));
    assertEquals(List.of("01A/"), b.list(""));
    assertEquals(List.of("01A/meta.json"), b.list("01A/"));
    assertTrue(b.exists("01A/meta.json"));
    b.delete("01A/meta.json");
    assertEquals(List.of(), raw.list(""));
  }

  @Test
  void closingTheBucketClosesItsConnections() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc/net/tcp");
    S3Bucket b = new S3Bucket(server.configBuilder(bucketName).build());
    assertFalse(b.exists("x"));
    assertTrue(establishedTo(server.port()) > 0, "the pooled connection is open");
    b.close();
    // NOTE: the SDK closes an HTTP client it built from our builder; one handed in ready-made
    // would stay open, with its pooled connections, after the bucket is closed.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (establishedTo(server.port()) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, establishedTo(server.port()), "connections left open after close()");
  }

  /** Client-side sockets of this machine in ESTABLISHED state whose remote port is {@code port}. */
  static long establishedTo(int port) throws IOException {
    String remote = String.format(":%04X", port);
    long n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[2].endsWith(remote) && f[3].equals("01")) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void describeNamesBucketAndEndpointAndAutoLookupIsPathStyleForIpAndPort() throws IOException {
    S3Bucket b = plain(server.configBuilder(bucketName).build());
    assertEquals("s3 bucket " + bucketName + " at http://" + server.endpoint(), b.describe());
    assertTrue(b.config().pathStyle());
  }
}
