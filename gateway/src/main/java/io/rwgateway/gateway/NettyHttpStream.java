package io.rwgateway.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.rwgateway.queryapi.HttpStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@link HttpStream} over a Netty channel, used from an API worker thread: chunked transfer
 * encoding, each piece written and flushed, and the worker waits for a piece to be on the wire
 * before producing the next one once the channel's outbound buffer is full (its writability), so a
 * slow client holds back the producer instead of filling the heap.
 */
final class NettyHttpStream implements HttpStream {
  /** How long one piece may wait for a client that stopped reading. */
  private static final long WRITE_TIMEOUT_SECONDS = 120;

  private final ChannelHandlerContext ctx;
  private final boolean keepAlive;
  private boolean started;
  private int status;
  private boolean ended;
  private ChannelFuture last;

  NettyHttpStream(ChannelHandlerContext ctx, boolean keepAlive) {
    this.ctx = ctx;
    this.keepAlive = keepAlive;
  }

  boolean started() {
    return started;
  }

  /** The status code the stream started with; 0 before {@link #start}. */
  int status() {
    return status;
  }

  @Override
  public boolean open() {
    return ctx.channel().isActive();
  }

  @Override
  public void start(HttpResponseStatus status, String contentType) {
    if (started) {
      throw new IllegalStateException("response already started");
    }
    started = true;
    this.status = status.code();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setTransferEncodingChunked(head, true);
    head.headers()
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    last = ctx.writeAndFlush(head);
  }

  @Override
  public void write(ByteBuf content) throws IOException {
    if (!started || ended) {
      content.release();
      throw new IllegalStateException("write outside a started response");
    }
    if (!ctx.channel().isActive()) {
      content.release();
      throw new IOException("client closed the connection");
    }
    last = ctx.writeAndFlush(new DefaultHttpContent(content));
    if (!ctx.channel().isWritable()) {
      awaitLast();
    }
  }

  private void awaitLast() throws IOException {
    try {
      if (!last.await(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        ctx.close();
        throw new IOException("client read nothing for " + WRITE_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ctx.close();
      throw new IOException("interrupted while writing the response");
    }
    if (!last.isSuccess()) {
      throw new IOException("writing the response failed: " + last.cause());
    }
  }

  @Override
  public void end() {
    if (!started || ended) {
      throw new IllegalStateException("end outside a started response");
    }
    ended = true;
    ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void abort(String reason) {
    ended = true;
    ctx.close();
  }
}
