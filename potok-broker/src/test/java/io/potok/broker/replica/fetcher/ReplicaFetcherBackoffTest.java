package io.potok.broker.replica.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.TestPartitions;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower whose leader keeps refusing OffsetsForLeaderEpoch asks again only every replica.fetch.backoff.ms. */
class ReplicaFetcherBackoffTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long BACKOFF_MS = 300;

    @TempDir
    Path dir;

    private LogManager logManager;
    private ServerSocket leader;
    private Thread leaderThread;
    private final AtomicInteger epochQueries = new AtomicInteger();
    private final AtomicInteger otherRequests = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        logManager = new LogManager(LogManagerConfig.defaults(List.of(dir)), Time.SYSTEM);
        logManager.startup(tp -> LogConfig.DEFAULT);
        leader = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        leaderThread = new Thread(this::serveRefusals, "fake-leader");
        leaderThread.setDaemon(true);
        leaderThread.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        leader.close();
        leaderThread.join(5_000);
        logManager.close();
    }

    /** Answers every OffsetsForLeaderEpoch with UNKNOWN_LEADER_EPOCH, as a leader that has not caught up does. */
    private void serveRefusals() {
        while (!leader.isClosed()) {
            try (Socket socket = leader.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    RequestHeader header = RequestHeader.parse(ByteBuffer.wrap(frame));
                    if (header.apiKey() != ApiKeys.OFFSET_FOR_LEADER_EPOCH) {
                        otherRequests.incrementAndGet();
                        return; // drop the connection: only the truncation step is under test
                    }
                    epochQueries.incrementAndGet();
                    OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
                    data.topics().add(new OffsetForLeaderTopicResult().setTopic(TP.topic()).setPartitions(List.of(
                            new EpochEndOffset().setPartition(TP.partition())
                                    .setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code()))));
                    ByteBuffer response = RequestUtils.serialize(
                            new ResponseHeaderData().setCorrelationId(header.correlationId()),
                            ApiKeys.OFFSET_FOR_LEADER_EPOCH.responseHeaderVersion(header.apiVersion()), data,
                            header.apiVersion());
                    out.writeInt(response.remaining());
                    out.write(response.array(), response.arrayOffset() + response.position(), response.remaining());
                    out.flush();
                }
            } catch (IOException e) {
                // The fetcher hung up or the test is over.
            }
        }
    }

    @Test
    void refusedTruncationIsRetriedAfterTheBackoffNotInATightLoop() throws Exception {
        Partition partition = TestPartitions.follower(TP, logManager.getOrCreateLog(TP, LogConfig.DEFAULT), 2, 1, 3,
                Time.SYSTEM);
        ReplicaFetcher fetcher = new ReplicaFetcher(2, 1,
                () -> new ReplicaFetcher.InetEndpoint("127.0.0.1", leader.getLocalPort()),
                new ReplicaFetcherConfig(500, 1 << 20, 1 << 20, BACKOFF_MS, 5_000), ReplicationThrottles.none(), Time.SYSTEM);
        fetcher.add(partition, 3);
        long start = System.nanoTime();
        fetcher.start();
        try {
            Thread.sleep(5 * BACKOFF_MS / 2);
        } finally {
            fetcher.shutdown();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(epochQueries.get()).as("asked at once, then after each backoff").isGreaterThanOrEqualTo(2)
                .isLessThanOrEqualTo((int) (elapsedMs / BACKOFF_MS) + 1);
        assertThat(otherRequests.get()).as("no fetch before the divergence point is known").isZero();
    }
}
