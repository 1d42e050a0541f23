package io.potok.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ApiVersionsHandler;
import io.potok.broker.api.KafkaApis;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionHandlerTest {
    private static final int MAX_BYTES = 64 * 1024;
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);
    private static final String CLIENT_ID = "test-client";

    /** EmbeddedChannel reports a non-IP remote address; the handler expects a TCP peer. */
    private static final class TcpLikeChannel extends EmbeddedChannel {
        TcpLikeChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }
    }

    /** A request the fake handler has received, with the future the test completes when it likes. */
    private record Call(RequestHeader header, AbstractRequest request, RequestHandler.ClientInfo client,
                        CompletableFuture<AbstractResponse> future) {
    }

    private static final class FakeHandler implements RequestHandler {
        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client) {
            CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
            calls.add(new Call(header, request, client, future));
            return future;
        }
    }

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(RequestHandler handler, int maxBytes) {
        return channel(handler, maxBytes, Runnable::run);
    }

    private EmbeddedChannel channel(RequestHandler handler, int maxBytes, Executor pool) {
        EmbeddedChannel ch = new TcpLikeChannel(new LengthFieldBasedFrameDecoder(maxBytes, 0, 4, 0, 4, true),
                new ConnectionHandler(handler, pool, maxBytes));
        channels.add(ch);
        return ch;
    }

    private static ByteBuf frame(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
        return sizePrefixed(request.serializeWithHeader(header));
    }

    private static ByteBuf sizePrefixed(ByteBuffer payload) {
        ByteBuf buf = Unpooled.buffer(4 + payload.remaining());
        buf.writeInt(payload.remaining());
        buf.writeBytes(payload);
        return buf;
    }

    private static ApiVersionsRequest apiVersions(short version) {
        return new ApiVersionsRequest.Builder().build(version);
    }

    private static MetadataRequest metadata() {
        return new MetadataRequest.Builder(List.of("orders"), false).build((short) 12);
    }

    private static ProduceRequest produce(short acks) {
        return ProduceRequest.builder(new ProduceRequestData().setAcks(acks).setTimeoutMs(1000)).build((short) 9);
    }

    /** Takes the next response frame off the channel, checking its size prefix; null when none. */
    private static ByteBuffer nextResponse(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        if (out == null) {
            return null;
        }
        try {
            int size = out.readInt();
            assertThat(out.readableBytes()).as("size prefix").isEqualTo(size);
            ByteBuffer buffer = ByteBuffer.allocate(size);
            out.readBytes(buffer);
            return buffer.flip();
        } finally {
            out.release();
        }
    }

    private static AbstractResponse parse(ByteBuffer response, ApiKeys api, short version, int correlationId) {
        assertThat(response).as("response to correlation id %d", correlationId).isNotNull();
        assertThat(response.getInt(0)).as("correlation id").isEqualTo(correlationId);
        AbstractResponse parsed = AbstractResponse.parseResponse(response,
                new RequestHeader(api, version, CLIENT_ID, correlationId));
        assertThat(response.hasRemaining()).as("trailing bytes after the %s v%d response", api, version).isFalse();
        return parsed;
    }

    /** A response told apart by {@code marker} (in a field the handler does not act on). */
    private static ApiVersionsResponse apiVersionsResponse(int marker) {
        return new ApiVersionsResponse(new ApiVersionsResponseData().setFinalizedFeaturesEpoch(marker));
    }

    @Test
    void pipelinedResponsesAreWrittenInRequestOrderWhenHandlersFinishOutOfOrder() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        // All three frames arrive in one read.
        ch.writeInbound(Unpooled.wrappedBuffer(frame(apiVersions((short) 3), 11), frame(metadata(), 12),
                frame(apiVersions((short) 3), 13)));

        assertThat(handler.calls).extracting(c -> c.header().correlationId()).containsExactly(11, 12, 13);
        assertThat(handler.calls).extracting(c -> c.header().apiKey())
                .containsExactly(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.API_VERSIONS);
        assertThat(handler.calls.get(1).request()).isInstanceOf(MetadataRequest.class);
        assertThat(((MetadataRequest) handler.calls.get(1).request()).topics()).containsExactly("orders");
        assertThat(handler.calls).allSatisfy(c -> {
            assertThat(c.client().clientId()).isEqualTo(CLIENT_ID);
            assertThat(c.client().remote()).isEqualTo(REMOTE);
            assertThat(c.client().connectionId()).isNotEmpty();
        });

        handler.calls.get(2).future().complete(apiVersionsResponse(130));
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("third response must wait for the first two").isNull();

        handler.calls.get(1).future().complete(new MetadataResponse(new MetadataResponseData().setThrottleTimeMs(120),
                (short) 12));
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("second response must wait for the first").isNull();

        handler.calls.get(0).future().complete(apiVersionsResponse(110));
        ch.runPendingTasks();
        ApiVersionsResponse first = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 11);
        MetadataResponse second = (MetadataResponse) parse(nextResponse(ch), ApiKeys.METADATA, (short) 12, 12);
        ApiVersionsResponse third = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 13);
        assertThat(first.data().finalizedFeaturesEpoch()).isEqualTo(110);
        assertThat(second.throttleTimeMs()).isEqualTo(120);
        assertThat(third.data().finalizedFeaturesEpoch()).isEqualTo(130);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void responsesFlowAsSoonAsTheHeadOfTheQueueIsDone() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(frame(apiVersions((short) 2), i));
        }
        handler.calls.get(0).future().complete(apiVersionsResponse(0));
        ch.runPendingTasks();
        parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 2, 0);
        assertThat((Object) ch.readOutbound()).isNull();

        handler.calls.get(2).future().complete(apiVersionsResponse(2));
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();

        handler.calls.get(1).future().complete(apiVersionsResponse(1));
        ch.runPendingTasks();
        parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 2, 1);
        parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 2, 2);
    }

    @Test
    void frameOverTheMaximumSizeClosesTheConnection() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, 1024);
        ByteBuf big = Unpooled.buffer();
        big.writeInt(1025);
        big.writeBytes(new byte[200]);
        ch.writeInbound(big);
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void negativeFrameLengthClosesTheConnection() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ch.writeInbound(Unpooled.buffer().writeInt(-1).writeInt(0));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void garbageFrameClosesTheConnection(long seed) {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        Random random = new Random(seed);
        byte[] garbage = new byte[1 + random.nextInt(300)];
        random.nextBytes(garbage);
        ch.writeInbound(sizePrefixed(ByteBuffer.wrap(garbage)));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void validHeaderWithGarbageBodyClosesTheConnection() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, CLIENT_ID, 9);
        ByteBuffer payload = metadata().serializeWithHeader(header);
        // An unterminated varint where the topic array length should be, and more 0xff after it.
        for (int i = header.size(); i < payload.limit(); i++) {
            payload.put(i, (byte) 0xff);
        }
        assertThat(payload.limit() - header.size()).isGreaterThan(5);
        ch.writeInbound(sizePrefixed(payload));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void unsupportedVersionOfAnotherApiClosesTheConnection() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ByteBuffer request = metadata().serializeWithHeader(new RequestHeader(ApiKeys.METADATA, (short) 12, CLIENT_ID, 3));
        request.putShort(2, (short) 99);
        ch.writeInbound(sizePrefixed(request));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void requestAfterABadFrameInTheSameReadIsNotHandled() {
        // Once a connection is condemned, later requests already in its buffer must not run: a
        // produce there would be appended although the client sees the connection fail and retries.
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        byte[] garbage = {0x7f, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8};
        ch.writeInbound(Unpooled.wrappedBuffer(sizePrefixed(ByteBuffer.wrap(garbage)), frame(produce((short) 1), 2)));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void requestAfterAnOversizedFrameInTheSameReadIsNotHandled() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, 1024);
        ByteBuf oversized = Unpooled.buffer().writeInt(1100).writeBytes(new byte[1100]);
        ch.writeInbound(Unpooled.wrappedBuffer(oversized, frame(produce((short) 1), 2)));
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    private static List<ApiHandler<?>> apiVersionsOnly() {
        List<ApiHandler<?>> handlers = new ArrayList<>();
        handlers.add(new ApiVersionsHandler(() -> handlers));
        return handlers;
    }

    @Test
    void tooNewApiVersionsRequestIsAnsweredInV0WithUnsupportedVersion() {
        EmbeddedChannel ch = channel(new KafkaApis(apiVersionsOnly()), MAX_BYTES);
        // Header v2 of ApiVersions v99, written by hand since kafka-clients cannot build that version.
        byte[] clientId = "future-client".getBytes(StandardCharsets.UTF_8);
        ByteBuffer request = ByteBuffer.allocate(64);
        request.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(4242);
        request.putShort((short) clientId.length).put(clientId);
        request.put((byte) 0); // header tagged fields
        // A body in some future format the broker cannot know.
        request.put((byte) 6).put("kafka".getBytes(StandardCharsets.UTF_8)).put((byte) 5)
                .put("99.0".getBytes(StandardCharsets.UTF_8)).put((byte) 0).put(new byte[] {9, 9, 9});
        ch.writeInbound(sizePrefixed(request.flip()));
        ch.runPendingTasks();

        ByteBuffer response = nextResponse(ch);
        assertThat(response).isNotNull();
        assertThat(response.getInt(0)).isEqualTo(4242);
        ApiVersionsResponse parsed = (ApiVersionsResponse) AbstractResponse.parseResponse(response,
                new RequestHeader(ApiKeys.API_VERSIONS, (short) 0, "future-client", 4242));
        assertThat(response.hasRemaining()).as("the whole frame is a v0 response").isFalse();
        assertThat(Errors.forCode(parsed.data().errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
        ApiVersionsResponseData.ApiVersion own = parsed.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
        assertThat(own).isNotNull();
        assertThat(own.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        assertThat(ch.isOpen()).isTrue();

        // The client can then talk in a version it found in the answer, on the same connection.
        ch.writeInbound(frame(apiVersions(own.maxVersion()), 4243));
        ch.runPendingTasks();
        ApiVersionsResponse ok = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, own.maxVersion(), 4243);
        assertThat(Errors.forCode(ok.data().errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void produceWithAcksZeroGetsNoResponseAndDoesNotHoldUpOthers() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ch.writeInbound(frame(produce((short) 0), 1));
        ch.writeInbound(frame(apiVersions((short) 3), 2));
        ch.writeInbound(frame(produce((short) 1), 3));
        assertThat(handler.calls).extracting(c -> c.header().correlationId()).containsExactly(1, 2, 3);
        assertThat(((ProduceRequest) handler.calls.get(0).request()).acks()).isEqualTo((short) 0);

        // The acks=0 produce is still being handled; later responses must not wait for it.
        handler.calls.get(1).future().complete(apiVersionsResponse(0));
        handler.calls.get(2).future().complete(new ProduceResponse(new ProduceResponseData()));
        ch.runPendingTasks();
        parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 2);
        parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 3);

        handler.calls.get(0).future().complete(null);
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("no response to acks=0").isNull();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void produceFrameIsHeldUntilItsRequestCompletesAndThenReleased() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ByteBuf produceFrame = frame(produce((short) 1), 1);
        ByteBuf versionsFrame = frame(apiVersions((short) 3), 2);
        produceFrame.retain(); // the test's own reference, to watch the count
        versionsFrame.retain();
        ch.writeInbound(produceFrame);
        ch.writeInbound(versionsFrame);
        // The produce request is parsed in place, so its frame stays referenced while it is handled; other
        // requests are copied and their frames let go at once.
        assertThat(produceFrame.refCnt()).isEqualTo(2);
        assertThat(versionsFrame.refCnt()).isEqualTo(1);

        handler.calls.get(0).future().complete(new ProduceResponse(new ProduceResponseData()));
        assertThat(produceFrame.refCnt()).isEqualTo(1);
        handler.calls.get(1).future().complete(apiVersionsResponse(0));
        ch.runPendingTasks();
        parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 1);
        parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 2);
        produceFrame.release();
        versionsFrame.release();
    }

    @Test
    void produceFrameIsReleasedWhenItsHandlerThrows() {
        RequestHandler throwing = (header, request, client) -> {
            throw new InvalidRequestException("bad");
        };
        EmbeddedChannel ch = channel(throwing, MAX_BYTES);
        ByteBuf produceFrame = frame(produce((short) 1), 1);
        produceFrame.retain();
        ch.writeInbound(produceFrame);
        ch.runPendingTasks();
        assertThat(produceFrame.refCnt()).isEqualTo(1);
        ProduceResponse response = (ProduceResponse) parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 1);
        assertThat(response).isNotNull();
        produceFrame.release();
    }

    @Test
    void failedOrThrowingHandlerYieldsAnErrorResponse() {
        RequestHandler throwing = new RequestHandler() {
            int n;

            @Override
            public CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client) {
                if (n++ == 0) {
                    throw new IllegalStateException("boom");
                }
                return CompletableFuture.failedFuture(new InvalidRequestException("bad"));
            }
        };
        EmbeddedChannel ch = channel(throwing, MAX_BYTES);
        ch.writeInbound(frame(apiVersions((short) 3), 1));
        ch.writeInbound(frame(apiVersions((short) 3), 2));
        ch.runPendingTasks();
        ApiVersionsResponse first = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 1);
        ApiVersionsResponse second = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 2);
        assertThat(Errors.forCode(first.data().errorCode())).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(Errors.forCode(second.data().errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aResponseWithAThrottleTimeStopsReadingTheConnectionForThatTime() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ch.freezeTime();
        ch.writeInbound(frame(apiVersions((short) 3), 1));
        handler.calls.get(0).future().complete(new ApiVersionsResponse(new ApiVersionsResponseData()
                .setThrottleTimeMs(500)));
        ch.runPendingTasks();
        assertThat(((ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, 1))
                .throttleTimeMs()).isEqualTo(500);
        assertThat(ch.config().isAutoRead()).as("muted while throttled").isFalse();
        ch.advanceTimeBy(499, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.advanceTimeBy(2, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("read again once the throttle time passed").isTrue();
    }

    @Test
    void anAcksZeroProduceOverItsQuotaMutesTheConnectionWithoutAResponse() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        ch.freezeTime();
        ch.writeInbound(frame(produce((short) 0), 1));
        handler.calls.get(0).future().complete(new ProduceResponse(new ProduceResponseData().setThrottleTimeMs(300)));
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("no response to acks=0").isNull();
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.advanceTimeBy(301, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void tooManyOutstandingResponsesPauseReadingUntilTheyDrain() {
        FakeHandler handler = new FakeHandler();
        EmbeddedChannel ch = channel(handler, MAX_BYTES);
        for (int i = 0; i < 63; i++) {
            ch.writeInbound(frame(apiVersions((short) 3), i));
        }
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(frame(apiVersions((short) 3), 63));
        assertThat(ch.config().isAutoRead()).as("64 outstanding responses").isFalse();

        for (int i = 0; i < 32; i++) {
            handler.calls.get(i).future().complete(apiVersionsResponse(i));
        }
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).as("32 still outstanding").isFalse();
        handler.calls.get(32).future().complete(apiVersionsResponse(32));
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).as("31 outstanding").isTrue();
        for (int i = 33; i < 64; i++) {
            handler.calls.get(i).future().complete(apiVersionsResponse(i));
        }
        ch.runPendingTasks();
        for (int i = 0; i < 64; i++) {
            ApiVersionsResponse r = (ApiVersionsResponse) parse(nextResponse(ch), ApiKeys.API_VERSIONS, (short) 3, i);
            assertThat(r.data().finalizedFeaturesEpoch()).isEqualTo(i);
        }
        assertThat((Object) ch.readOutbound()).isNull();
    }

    /** Answers Produce at once on whatever thread runs it and calls it non-blocking; other APIs wait for the test. */
    private static final class QuickProduceHandler implements RequestHandler {
        final FakeHandler others = new FakeHandler();
        final List<String> handled = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client) {
            handled.add(header.apiKey() + " on " + Thread.currentThread().getName());
            if (header.apiKey() == ApiKeys.PRODUCE) {
                return CompletableFuture.completedFuture(new ProduceResponse(new ProduceResponseData()));
            }
            return others.handle(header, request, client);
        }

        @Override
        public boolean isNonBlocking(RequestHeader header, AbstractRequest request) {
            return header.apiKey() == ApiKeys.PRODUCE;
        }
    }

    /** A request pool that runs nothing until the test says so, on a thread named "pool". */
    private static final class ManualPool implements Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        void runAll() throws InterruptedException {
            Thread t = new Thread(() -> {
                while (!queued.isEmpty()) {
                    queued.poll().run();
                }
            }, "pool");
            t.start();
            t.join();
        }
    }

    @Test
    void aNonBlockingRequestIsHandledAndAnsweredOnTheEventLoopWithoutThePool() {
        QuickProduceHandler handler = new QuickProduceHandler();
        ManualPool pool = new ManualPool();
        EmbeddedChannel ch = channel(handler, MAX_BYTES, pool);
        ch.writeInbound(frame(produce((short) 1), 21));
        assertThat(pool.queued).as("nothing handed to the pool").isEmpty();
        assertThat(handler.handled).containsExactly("PRODUCE on " + Thread.currentThread().getName());
        parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 21);
    }

    @Test
    void aNonBlockingRequestWaitsForAnEarlierOneOfItsConnectionOnThePool() throws InterruptedException {
        QuickProduceHandler handler = new QuickProduceHandler();
        ManualPool pool = new ManualPool();
        EmbeddedChannel ch = channel(handler, MAX_BYTES, pool);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(metadata(), 31), frame(produce((short) 1), 32)));
        assertThat(handler.handled).as("the produce may not overtake the metadata request queued before it")
                .isEmpty();

        pool.runAll();
        assertThat(handler.handled).containsExactly("METADATA on pool", "PRODUCE on pool");
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("the produce answer waits for the metadata answer").isNull();

        handler.others.calls.get(0).future().complete(new MetadataResponse(new MetadataResponseData(), (short) 12));
        ch.runPendingTasks();
        parse(nextResponse(ch), ApiKeys.METADATA, (short) 12, 31);
        parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 32);

        // The connection is idle again: the next produce is handled on the event loop once more.
        ch.writeInbound(frame(produce((short) 1), 33));
        assertThat(pool.queued).isEmpty();
        assertThat(handler.handled).last().isEqualTo("PRODUCE on " + Thread.currentThread().getName());
        parse(nextResponse(ch), ApiKeys.PRODUCE, (short) 9, 33);
    }

    @Test
    void aBlockingRequestGoesToThePool() throws InterruptedException {
        QuickProduceHandler handler = new QuickProduceHandler();
        ManualPool pool = new ManualPool();
        EmbeddedChannel ch = channel(handler, MAX_BYTES, pool);
        ch.writeInbound(frame(metadata(), 41));
        assertThat(handler.handled).isEmpty();
        assertThat(pool.queued).hasSize(1);
        pool.runAll();
        assertThat(handler.handled).containsExactly("METADATA on pool");
    }

    @Test
    void responseWriterFramesHeaderAndBody() {
        ApiVersionsResponseData body = new ApiVersionsResponseData().setThrottleTimeMs(7);
        ByteBuf frame = ResponseWriter.frame(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, ApiKeys.API_VERSIONS,
                (short) 3, 99, body);
        try {
            int size = frame.readInt();
            assertThat(frame.readableBytes()).isEqualTo(size);
            ByteBuffer buffer = ByteBuffer.allocate(size);
            frame.readBytes(buffer);
            ApiVersionsResponse parsed = (ApiVersionsResponse) parse(buffer.flip(), ApiKeys.API_VERSIONS, (short) 3, 99);
            assertThat(parsed.throttleTimeMs()).isEqualTo(7);
        } finally {
            frame.release();
        }
        // Flexible header version (Metadata v12 uses response header v1, with tagged fields).
        ByteBuf metadata = ResponseWriter.frame(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, ApiKeys.METADATA,
                (short) 12, 5, new MetadataResponseData().setClusterId("c1"));
        try {
            metadata.skipBytes(4);
            ByteBuffer buffer = ByteBuffer.allocate(metadata.readableBytes());
            metadata.readBytes(buffer);
            MetadataResponse parsed = (MetadataResponse) parse(buffer.flip(), ApiKeys.METADATA, (short) 12, 5);
            assertThat(parsed.data().clusterId()).isEqualTo("c1");
        } finally {
            metadata.release();
        }
    }
}
