package io.rwgateway.ingest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates a request body up to a limit. A body over the limit is answered 413 with a line naming
 * the limit, before any of it is buffered when Content-Length announces it.
 */
public final class BoundedAggregator extends HttpObjectAggregator {
  private final String limitFlag;

  public BoundedAggregator(int maxContentLength, String limitFlag) {
    super(maxContentLength);
    this.limitFlag = limitFlag;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse r =
        Responses.text(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body exceeds " + maxContentLength() + " bytes (" + limitFlag + ")");
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setKeepAlive(oversized, false);
    // NOTE: a lingering close. The rest of the body is still on the wire; closing at once with
    // unread bytes makes the kernel send a reset, which can reach the client before it reads the
    // 413, and a remote-write client then sees a network error and retries the same body forever
    // (seen in CI as "header parser received no bytes"). So: send the answer, shut our side
    // down, keep reading (the aggregator discards the rest of this body), and close once the
    // client has closed its side or LINGER_MILLIS have passed.
    ctx.writeAndFlush(r)
        .addListener(
            f -> {
              Channel ch = ctx.channel();
              if (f.isSuccess() && ch instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
              } else {
                ch.close();
              }
            });
  }

  /** How long a connection whose body was refused may go on sending it before it is closed. */
  static final long LINGER_MILLIS = 2_000;
}
