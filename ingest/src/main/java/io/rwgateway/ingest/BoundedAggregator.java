package io.rwgateway.ingest;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request body up to a limit. A body over the limit is answered 413 with a line
 * naming the limit, before any of it is buffered when Content-Length announces it.
 */
public final class BoundedAggregator extends HttpObjectAggregator {
  private final String limitFlag;

  public BoundedAggregator(int maxContentLength, String limitFlag) {
    super(maxContentLength);
    this.limitFlag = limitFlag;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse r = Responses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "request body exceeds " + maxContentLength() + " bytes (" + limitFlag + ")");
    // The rest of the body is still on the wire; close rather than try to skip it.
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    HttpUtil.setKeepAlive(oversized, false);
  }
}
