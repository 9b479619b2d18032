package io.rwgateway.queryapi;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/**
 * A response sent in pieces (HTTP/1.1 chunked transfer encoding), for answers too large to build
 * whole, such as a streamed remote read. Called from one worker thread, never from an event loop:
 * {@link #write} blocks while the client reads slower than we produce (backpressure).
 */
public interface HttpStream {
  /** Sends the status line and headers; then {@link #write} the body, then {@link #end}. */
  void start(HttpResponseStatus status, String contentType);

  /**
   * Sends {@code content} (taking ownership of it) and waits until the connection can take more.
   *
   * @throws IOException when the client went away or the write failed; the stream is then unusable
   */
  void write(ByteBuf content) throws IOException;

  /**
   * Whether the client is still connected; a query whose client went away is given up (499). The
   * default is for streams that cannot tell.
   */
  default boolean open() {
    return true;
  }

  /** Ends the body normally. */
  void end();

  /**
   * Ends the response abnormally after {@link #start}: the connection is closed without the final
   * chunk, so the client sees a broken response instead of a complete, cut one.
   */
  void abort(String reason);
}
