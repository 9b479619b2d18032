package io.rwgateway.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.rwgateway.ingest.BoundedAggregator;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event loops shared by the gateway's HTTP listeners: epoll where the native transport loads
 * (Linux), NIO elsewhere.
 */
final class NettyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  NettyServer(int workerThreads) {
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.boss = new MultiThreadIoEventLoopGroup(1, factory);
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, factory);
    if (!epoll) {
      log.info(
          "native epoll transport unavailable, using NIO cause=\"{}\"",
          String.valueOf(Epoll.unavailabilityCause()));
    }
  }

  String transport() {
    return epoll ? "epoll" : "nio";
  }

  /** Binds {@code address} (host:port) with a pipeline built by {@code pipeline}. */
  Channel bind(String address, Consumer<SocketChannel> pipeline) throws InterruptedException {
    InetSocketAddress addr = parse(address);
    Class<? extends ServerChannel> channelClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    pipeline.accept(ch);
                  }
                });
    return b.bind(addr).sync().channel();
  }

  /**
   * Binds an HTTP port: requests of up to {@code maxRequestBytes} (413 above, {@code limitName} in
   * the answer) aggregated and handed to {@code handler}.
   */
  Channel bindHttp(String address, int maxRequestBytes, String limitName, ChannelHandler handler)
      throws InterruptedException {
    return bind(
        address,
        ch ->
            ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new BoundedAggregator(maxRequestBytes, limitName))
                .addLast(handler));
  }

  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address \"" + address + "\" must be host:port");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(address.substring(colon + 1));
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
