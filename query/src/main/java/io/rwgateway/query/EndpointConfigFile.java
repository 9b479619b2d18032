package io.rwgateway.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thanos Query's {@code --endpoint.sd-config-file}, read again every {@code
 * --endpoint.sd-config-reload-interval}: its endpoints replace the previous ones. A file that
 * cannot be read or parsed keeps the last good endpoints and logs why. Not thread-safe: {@link
 * EndpointDiscovery} asks under its own lock.
 */
public final class EndpointConfigFile {
  private static final Logger log = LoggerFactory.getLogger(EndpointConfigFile.class);

  private final Path file;
  private final long reloadMillis;
  private List<EndpointSpec> specs;
  private long readAt;
  private String lastError;

  /**
   * Reads the file now.
   *
   * @throws IllegalArgumentException when it cannot be read or parsed (a bad file at start is an
   *     error, not an empty set)
   */
  public EndpointConfigFile(Path file, Duration reload, long now) {
    this.file = file;
    this.reloadMillis = reload.toMillis();
    EndpointConfig c = read();
    for (String key : c.ignored()) {
      log.warn("endpoint config key accepted for compatibility, no effect here key={}", key);
    }
    this.specs = c.endpoints();
    this.readAt = now;
  }

  private EndpointConfig read() {
    try {
      return EndpointConfig.parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The endpoints of the file, read again when the reload interval has passed. */
  List<EndpointSpec> specs(long now) {
    if (now - readAt < reloadMillis) {
      return specs;
    }
    readAt = now;
    try {
      List<EndpointSpec> next = read().endpoints();
      if (!next.equals(specs)) {
        log.info("endpoint config reloaded file={} endpoints={}", file, next.size());
      }
      specs = next;
      lastError = null;
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(lastError)) {
        log.warn(
            "endpoint config not usable, keeping its last good endpoints file={} err=\"{}\"",
            file,
            e.getMessage());
      }
      lastError = e.getMessage();
    }
    return specs;
  }
}
