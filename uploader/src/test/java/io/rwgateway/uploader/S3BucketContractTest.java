package io.rwgateway.uploader;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The bucket contract on {@link S3Bucket} against S3Proxy; each test gets its own bucket. */
class S3BucketContractTest extends BucketContractTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  Bucket newBucket() throws Exception {
    String name = "contract-" + SEQ.incrementAndGet();
    server.createBucket(name);
    return new S3Bucket(server.configBuilder(name).build());
  }
}
