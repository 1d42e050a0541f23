package io.potok.broker.network;

import io.potok.broker.concurrent.SerialExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: parses each frame into a request, hands it to the request pool, and writes
 * responses back strictly in request order while later requests are already being handled.
 *
 * <p>Threading: Netty calls this on the connection's event loop; {@link #inFlight} is touched only
 * there. A request the handler calls non-blocking (a produce into the page cache, a fetch) is handled on the event loop
 * itself when no earlier request of the connection is still queued for the pool; the others go to the pool, complete
 * there or later, and hop back to the event loop to write. When more than {@link #MAX_IN_FLIGHT} responses are
 * outstanding the connection stops reading (back-pressure).
 *
 * <p>Buffers: Produce frames stay in Netty's pooled direct memory until their request completes (no copy on the way
 * to the log); other requests are copied to the heap. Responses are serialised into pooled direct buffers by
 * {@link ResponseWriter}, Fetch records go out as file regions ({@code sendfile}); every response that is ready is
 * written, then one flush, which {@code FlushConsolidationHandler} further merges across completions.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final int MAX_IN_FLIGHT = 64;

    private final RequestHandler handler;
    private final SerialExecutor serial;
    private final int maxRequestBytes;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private RequestHandler.ClientInfo client;
    private boolean closing; // event loop only
    /** Event loop only: the connection is muted for a quota until {@link #throttledUntilNanos}. */
    private boolean throttled;
    private long throttledUntilNanos;

    ConnectionHandler(RequestHandler handler, Executor requestPool, int maxRequestBytes) {
        this.handler = handler;
        this.serial = new SerialExecutor(requestPool, "connection");
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        client = new RequestHandler.ClientInfo(ctx.channel().id().asShortText(), "", remote);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing) {
            // Frames the decoder had already cut after a bad one must not be acted on.
            frame.release();
            return;
        }
        // The request keeps views into its buffer (record batches), so the bytes must outlive the frame's read.
        // Produce frames are kept as they are (pooled, direct): the records are validated and written to the log
        // straight from them, and the frame is released when the request is done. Everything else is small and
        // copied to the heap, because handlers may keep parts of it for longer (group metadata, for example).
        ByteBuf held = null;
        ByteBuffer buffer;
        if (isProduce(frame)) {
            held = frame;
            buffer = frame.nioBuffer();
        } else {
            try {
                buffer = ByteBuffer.allocate(frame.readableBytes());
                frame.readBytes(buffer);
                buffer.flip();
            } finally {
                frame.release();
            }
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            release(held);
            closeOnBadFrame(ctx, "unparseable request header (" + e.getMessage() + ")");
            return;
        }
        AbstractRequest request;
        if (header.apiKey() == ApiKeys.API_VERSIONS && !header.isApiVersionSupported()) {
            // KIP-511: a newer client's ApiVersions gets our versions in the v0 format it can read.
            request = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, header.apiVersion());
        } else {
            try {
                request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                        new ByteBufferAccessor(buffer)).request;
            } catch (RuntimeException e) {
                release(held);
                closeOnBadFrame(ctx, "cannot parse " + header.apiKey() + " v" + header.apiVersion() + " ("
                        + e.getMessage() + ")");
                return;
            }
        }
        boolean expectsResponse = !(request instanceof ProduceRequest produce && produce.acks() == 0);
        InFlight slot = new InFlight(header, request);
        if (expectsResponse) {
            inFlight.add(slot);
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                ctx.channel().config().setAutoRead(false);
            }
        }
        RequestHandler.ClientInfo info = new RequestHandler.ClientInfo(client.connectionId(),
                header.clientId(), client.remote());
        ByteBuf requestBytes = held;
        Runnable task = () -> {
            CompletableFuture<AbstractResponse> result;
            try {
                result = handler.handle(header, request, info);
            } catch (RuntimeException e) {
                release(requestBytes);
                if (expectsResponse) {
                    ctx.executor().execute(() -> complete(ctx, slot, null, e));
                }
                return;
            }
            result.whenComplete((response, error) -> {
                // Done with the request's records (a response never refers to them): the frame can go back.
                release(requestBytes);
                if (expectsResponse) {
                    // Handled on the event loop and answered at once: write now, no task to queue.
                    if (ctx.executor().inEventLoop()) {
                        complete(ctx, slot, response, error);
                    } else {
                        ctx.executor().execute(() -> complete(ctx, slot, response, error));
                    }
                } else if (response != null && response.throttleTimeMs() > 0) {
                    // Nothing to send (acks=0), but the client is over its quota all the same.
                    ctx.executor().execute(() -> throttle(ctx, response.throttleTimeMs()));
                }
            });
        };
        if (handler.isNonBlocking(header, request)) {
            serial.executeHereIfIdle(task);
        } else {
            serial.execute(task);
        }
    }

    /** A Produce frame whose bytes are one contiguous region, so the records can be read in place. */
    private static boolean isProduce(ByteBuf frame) {
        return frame.readableBytes() >= 2 && frame.getShort(frame.readerIndex()) == ApiKeys.PRODUCE.id
                && frame.nioBufferCount() == 1;
    }

    private static void release(ByteBuf held) {
        if (held != null) {
            held.release();
        }
    }

    private void complete(ChannelHandlerContext ctx, InFlight slot, AbstractResponse response, Throwable error) {
        if (error != null) {
            log.warn("Error handling {} v{} from {}: {}", slot.header.apiKey(), slot.header.apiVersion(),
                    client.remote(), error.toString(), error);
            response = slot.request.getErrorResponse(0, error);
        }
        slot.response = response;
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peek().response != null) {
            InFlight done = inFlight.poll();
            List<Object> parts;
            try {
                parts = ResponseWriter.frameParts(ctx.alloc(), done.header.apiKey(), responseVersion(done),
                        done.header.correlationId(), done.response.data());
            } catch (RuntimeException e) {
                // The client would wait for this answer forever; closing makes it retry elsewhere.
                log.error("Cannot serialise the {} v{} response for {}; closing the connection",
                        done.header.apiKey(), done.header.apiVersion(), client.remote(), e);
                closing = true;
                ctx.close();
                return;
            }
            for (Object part : parts) {
                ctx.write(part, ctx.voidPromise());
            }
            wrote = true;
            if (done.response.throttleTimeMs() > 0) {
                throttle(ctx, done.response.throttleTimeMs());
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (!throttled && !ctx.channel().config().isAutoRead() && inFlight.size() < MAX_IN_FLIGHT / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * A client over its quota was told to wait {@code ms} (KIP-219): its connection is not read from until then, so
     * that a client which ignores the throttle time (older versions) is held back too.
     */
    private void throttle(ChannelHandlerContext ctx, int ms) {
        long until = ctx.executor().ticker().nanoTime() + ms * 1_000_000L;
        if (throttled && until <= throttledUntilNanos) {
            return;
        }
        throttledUntilNanos = until;
        ctx.channel().config().setAutoRead(false);
        if (!throttled) {
            throttled = true;
            ctx.executor().schedule(() -> endThrottle(ctx), ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void endThrottle(ChannelHandlerContext ctx) {
        long remainingNanos = throttledUntilNanos - ctx.executor().ticker().nanoTime();
        if (remainingNanos > 0) {
            ctx.executor().schedule(() -> endThrottle(ctx), remainingNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            return;
        }
        throttled = false;
        if (!closing && inFlight.size() < MAX_IN_FLIGHT / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static short responseVersion(InFlight slot) {
        // An unsupported ApiVersions request is answered in v0, which every client can read.
        return slot.header.apiKey() == ApiKeys.API_VERSIONS && !slot.header.isApiVersionSupported()
                ? 0 : slot.header.apiVersion();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            closeOnBadFrame(ctx, "request frame larger than socket.request.max.bytes=" + maxRequestBytes
                    + " (" + cause.getMessage() + ")");
        } else if (cause instanceof CorruptedFrameException) {
            closeOnBadFrame(ctx, "corrupt frame (" + cause.getMessage() + ")");
        } else if (cause instanceof IOException) {
            log.debug("Connection from {} failed: {}", remote(ctx), cause.toString());
            ctx.close();
        } else {
            log.warn("Closing connection from {} after an unexpected error", remote(ctx), cause);
            ctx.close();
        }
    }

    private void closeOnBadFrame(ChannelHandlerContext ctx, String reason) {
        closing = true;
        log.warn("Closing connection from {}: {}", remote(ctx), reason);
        ctx.close();
    }

    private static Object remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress();
    }

    private static final class InFlight {
        final RequestHeader header;
        final AbstractRequest request;
        AbstractResponse response; // event loop only

        InFlight(RequestHeader header, AbstractRequest request) {
            this.header = header;
            this.request = request;
        }
    }
}
