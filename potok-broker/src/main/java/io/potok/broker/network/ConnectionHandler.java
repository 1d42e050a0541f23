package io.potok.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
 * there. Handlers complete on other threads and hop back to the event loop to write. When more than
 * {@link #MAX_IN_FLIGHT} responses are outstanding the connection stops reading (back-pressure).
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

    ConnectionHandler(RequestHandler handler, Executor requestPool, int maxRequestBytes) {
        this.handler = handler;
        this.serial = new SerialExecutor(requestPool);
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
        ByteBuffer buffer;
        try {
            // The request keeps views into this buffer (record batches), so it must outlive the frame.
            buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
        } finally {
            frame.release();
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
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
        serial.execute(() -> {
            try {
                handler.handle(header, request, info).whenComplete((response, error) -> {
                    if (expectsResponse) {
                        ctx.executor().execute(() -> complete(ctx, slot, response, error));
                    }
                });
            } catch (RuntimeException e) {
                if (expectsResponse) {
                    ctx.executor().execute(() -> complete(ctx, slot, null, e));
                }
            }
        });
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
            ByteBuf out;
            try {
                out = ResponseWriter.frame(ctx.alloc(), done.header.apiKey(), responseVersion(done),
                        done.header.correlationId(), done.response.data());
            } catch (RuntimeException e) {
                // The client would wait for this answer forever; closing makes it retry elsewhere.
                log.error("Cannot serialise the {} v{} response for {}; closing the connection",
                        done.header.apiKey(), done.header.apiVersion(), client.remote(), e);
                closing = true;
                ctx.close();
                return;
            }
            ctx.write(out, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (!ctx.channel().config().isAutoRead() && inFlight.size() < MAX_IN_FLIGHT / 2) {
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
