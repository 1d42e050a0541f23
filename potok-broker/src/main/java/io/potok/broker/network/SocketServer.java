package io.potok.broker.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts client connections on one listener. Event loops only frame bytes and write responses;
 * requests are handled on {@code requestPool}. Uses native epoll when available, NIO otherwise.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    private final String host;
    private final int port;
    private final int maxRequestBytes;
    private final int networkThreads;
    private final SocketOptions socketOptions;
    private final RequestHandler handler;
    private final Executor requestPool;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    public SocketServer(String host, int port, int maxRequestBytes, int networkThreads, SocketOptions socketOptions,
                        RequestHandler handler, Executor requestPool) {
        this.host = host;
        this.socketOptions = socketOptions;
        this.port = port;
        this.maxRequestBytes = maxRequestBytes;
        this.networkThreads = networkThreads;
        this.handler = handler;
        this.requestPool = requestPool;
    }

    /** Binds and returns the bound address (the real port when 0 was asked for). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("potok-accept", true), io);
        workerGroup = new MultiThreadIoEventLoopGroup(networkThreads, new DefaultThreadFactory("potok-network", true), io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, socketOptions.listenBacklog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("frames", new LengthFieldBasedFrameDecoder(maxFrameBytes(), 0, 4, 0, 4, true))
                                // Responses completing close together leave in one writev instead of one each.
                                .addLast("flushes", new FlushConsolidationHandler(256, true))
                                .addLast("requests", new ConnectionHandler(handler, requestPool, maxRequestBytes));
                    }
                });
        if (socketOptions.receiveBufferBytes() != -1) {
            bootstrap.option(ChannelOption.SO_RCVBUF, socketOptions.receiveBufferBytes());
        }
        if (socketOptions.sendBufferBytes() != -1) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, socketOptions.sendBufferBytes());
        }
        InetSocketAddress bindAddress = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        serverChannel = bootstrap.bind(bindAddress).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info("Listening on {} with {} transport", bound, epoll ? "epoll" : "nio");
        return bound;
    }

    /** Netty counts the 4-byte size prefix in the frame; Kafka's limit applies to the size field alone. */
    private int maxFrameBytes() {
        return (int) Math.min(Integer.MAX_VALUE, maxRequestBytes + 4L);
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
