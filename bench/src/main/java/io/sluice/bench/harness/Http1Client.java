package io.sluice.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The load generator's HTTP/1.1 client: keep-alive connections on one event loop, each request
 * written as bytes prepared once per run (request line, headers and body), each answer decoded
 * by Netty. Every call is made on {@link #loop()}, so a request costs no hand-off between
 * threads. Reactor Netty's client, used until 2026-12-02, subscribed each request on the pacing
 * thread and handed it to its event loop: a wake-up and a context switch per request, and about
 * 100 µs of the load generator's CPU per request on the machine it shares with the target
 * (docs/benchmarks.md).
 */
final class Http1Client implements AutoCloseable {

    /** What became of one request; called on the event loop. */
    interface Answer {
        void answered(int status, String body);

        void failed(Throwable cause);
    }

    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnectionsPerTarget;
    private final long responseTimeoutNanos;
    /** Touched on the event loop only. */
    private final Map<InetSocketAddress, Pool> pools = new HashMap<>();

    Http1Client(int maxConnectionsPerTarget, Duration responseTimeout) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, io);
        this.loop = group.next();
        this.maxConnectionsPerTarget = maxConnectionsPerTarget;
        this.responseTimeoutNanos = responseTimeout.toNanos();
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        long sweep = Math.max(10, Math.min(250, responseTimeout.toMillis() / 4));
        loop.scheduleAtFixedRate(this::expire, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** The one thread every other method must be called on. */
    EventLoop loop() {
        return loop;
    }

    /**
     * Sends {@code request} (a whole HTTP/1.1 request, which this releases) on the connection to
     * {@code target} idle the longest, or on a new one while fewer than the limit are open;
     * otherwise it waits for the first connection to come free.
     */
    void send(InetSocketAddress target, ByteBuf request, Answer answer) {
        Pool pool = pools.computeIfAbsent(target, Pool::new);
        // First in, first out: requests rotate over every open connection, and so over every
        // event loop of the server, as many clients' requests do. Last in, first out would keep
        // a few connections hot, which after a step that opened hundreds can sit on one loop.
        Connection idle = pool.idle.pollFirst();
        if (idle != null) {
            idle.send(request, answer);
            return;
        }
        pool.waiting.addLast(new Pending(request, answer));
        if (pool.open < maxConnectionsPerTarget) {
            pool.connect();
        }
    }

    /** Closes connections whose answer is overdue; their requests fail. */
    private void expire() {
        long now = System.nanoTime();
        for (Pool pool : pools.values()) {
            // A copy: closing on the event loop can run channelInactive at once, which edits pool.all.
            for (Connection c : new ArrayList<>(pool.all)) {
                if (c.answer != null && now - c.sentAt > responseTimeoutNanos) {
                    c.timedOut = true;
                    c.channel.close();
                }
            }
        }
    }

    private record Pending(ByteBuf request, Answer answer) {
    }

    private final class Pool {
        final InetSocketAddress target;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        final List<Connection> all = new ArrayList<>();
        /** Connected or connecting. */
        int open;

        Pool(InetSocketAddress target) {
            this.target = target;
        }

        void connect() {
            open++;
            Connection connection = new Connection(this);
            bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20), connection);
                }
            }).connect(target).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    open--;
                    Pending first = waiting.pollFirst();
                    if (first != null) {
                        first.request().release();
                        first.answer().failed(f.cause());
                    }
                    return;
                }
                connection.channel = f.channel();
                all.add(connection);
                free(connection);
            });
        }

        /** A connection that can take a request: the longest-waiting one, or back to the idle ones. */
        void free(Connection connection) {
            Pending next = waiting.pollFirst();
            if (next != null) {
                connection.send(next.request(), next.answer());
            } else {
                idle.addLast(connection);
            }
        }

        void closed(Connection connection) {
            open--;
            all.remove(connection);
            idle.remove(connection);
            if (!waiting.isEmpty() && open < maxConnectionsPerTarget) {
                connect();
            }
        }
    }

    /** One keep-alive connection: at most one request in flight (no pipelining). */
    private static final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Pool pool;
        Channel channel;
        Answer answer;
        long sentAt;
        boolean timedOut;

        Connection(Pool pool) {
            this.pool = pool;
        }

        void send(ByteBuf request, Answer a) {
            answer = a;
            sentAt = System.nanoTime();
            // A failed write closes the channel (void promise): the request fails in channelInactive.
            channel.writeAndFlush(request, channel.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Answer a = answer;
            answer = null;
            if (a == null) {
                ctx.close();
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(response);
            a.answered(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
            if (keepAlive && ctx.channel().isActive()) {
                pool.free(this);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Answer a = answer;
            answer = null;
            pool.closed(this);
            if (a != null) {
                a.failed(timedOut ? new TimeoutException("no answer within the response timeout")
                        : new ClosedChannelException());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
