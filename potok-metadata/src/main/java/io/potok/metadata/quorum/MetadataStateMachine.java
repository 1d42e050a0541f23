package io.potok.metadata.quorum;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log's state machine: every committed entry is a batch of metadata records, applied in
 * log order to the node's image. Snapshots hold the image as records ({@link ImageSnapshot}), so the
 * Raft log can be purged behind them.
 *
 * <p>Read-only queries are the channel to the active controller. They arrive on the Raft leader and
 * are of two kinds, told apart by their first byte: a {@link MetadataFetch metadata fetch} from a
 * broker-only node, answered here from the {@link MetadataLogTail} of recent committed batches
 * (the node follows the log without being a voter), and a forwarded command, handed to the
 * {@link CommandHandler}.
 *
 * <p>Threading: Ratis calls {@link #applyTransaction} from one apply thread in log order.
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final MetadataPublisher publisher;
    private final RaftPeerId self;
    private final AtomicReference<CommandHandler> commandHandler = new AtomicReference<>();
    private final AtomicReference<LeadershipListener> leadershipListener = new AtomicReference<>();
    private final MetadataLogTail tail;
    private final ObserverFetches observers = new ObserverFetches();
    /** Ends parked metadata fetches after their wait. */
    private final java.util.concurrent.ScheduledExecutorService fetchTimer;
    private volatile int leaderId = -1;

    MetadataStateMachine(MetadataPublisher publisher, RaftPeerId self) {
        this.publisher = publisher;
        this.self = self;
        this.fetchTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-metadata-fetch-timer-" + self);
            t.setDaemon(true);
            return t;
        });
        this.tail = new MetadataLogTail(Integer.parseInt(self.toString()), publisher::image, fetchTimer,
                TAIL_MAX_BATCHES, TAIL_MAX_BYTES, FETCH_MAX_RESPONSE_BYTES);
    }

    /** Bounds of the in-memory log tail that broker-only nodes fetch from; older offsets get the image. */
    private static final int TAIL_MAX_BATCHES = 10_000;
    private static final long TAIL_MAX_BYTES = 16L << 20;
    private static final int FETCH_MAX_RESPONSE_BYTES = 1 << 20;
    /** A fetch never parks longer than this, whatever it asks: Ratis' client gives up after 5 s. */
    static final int FETCH_MAX_WAIT_MS = 2_000;

    void setCommandHandler(CommandHandler handler) {
        commandHandler.set(handler);
    }

    void setLeadershipListener(LeadershipListener listener) {
        leadershipListener.set(listener);
    }

    int leaderId() {
        return leaderId;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadSnapshot(storage.loadLatestSnapshot());
    }

    @Override
    public void reinitialize() throws IOException {
        loadSnapshot(storage.loadLatestSnapshot());
    }

    private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file, expected);
        }
        List<MetadataRecord> records = MetadataRecordSerde.deserialize(Files.readAllBytes(file.toPath()));
        TermIndex termIndex = snapshot.getTermIndex();
        publisher.reset(ImageSnapshot.fromRecords(publisher.image().clusterId(), records, termIndex.getIndex()));
        tail.reset(termIndex.getIndex());
        updateLastAppliedTermIndex(termIndex);
        log.info("Loaded metadata snapshot at {} ({} records)", termIndex, records.size());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage image = publisher.image();
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getPath() + ".tmp");
        Files.write(tmp.toPath(), MetadataRecordSerde.serialize(ImageSnapshot.toRecords(image)));
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        log.info("Wrote metadata snapshot at {}", last);
        return last.getIndex();
    }

    /** Marks an entry written with the proposer's term: magic, term (8 bytes), then the records. */
    private static final int PROPOSAL_MAGIC = 0x504f544b; // "POTK"; never a plausible record count
    private static final String DISCARDED = "discarded";

    static byte[] encodeProposal(long term, byte[] records) {
        return java.nio.ByteBuffer.allocate(12 + records.length).putInt(PROPOSAL_MAGIC).putLong(term).put(records)
                .array();
    }

    static boolean isDiscarded(Message reply) {
        return reply != null && reply.getContent().toStringUtf8().equals(DISCARDED);
    }

    /**
     * Applies a committed batch. A batch proposed in term T but appended in a later term came from a
     * controller that had lost its leadership (its Raft client delivered it to the new leader): it
     * is discarded on every node alike, since its decisions were taken on a stale image (for example
     * fencing brokers it could not hear while it was cut off).
     */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        try {
            byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
            java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes);
            if (bytes.length >= 12 && header.getInt(0) == PROPOSAL_MAGIC) {
                long proposedTerm = header.getLong(4);
                if (proposedTerm != termIndex.getTerm()) {
                    log.warn("Discarding metadata entry {}: proposed by the controller of term {}, which had lost "
                            + "its leadership", termIndex, proposedTerm);
                    publisher.advance(termIndex.getIndex());
                    tail.advance(termIndex.getIndex());
                    updateLastAppliedTermIndex(termIndex);
                    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFromUtf8(DISCARDED)));
                }
                bytes = java.util.Arrays.copyOfRange(bytes, 12, bytes.length);
            }
            List<MetadataRecord> records = MetadataRecordSerde.deserialize(bytes);
            publisher.apply(records, termIndex.getIndex());
            tail.append(termIndex.getIndex(), bytes);
        } catch (IOException e) {
            // Every node fails on the same bytes, so skipping keeps the images identical.
            log.error("Skipping undecodable metadata entry at {}", termIndex, e);
            publisher.advance(termIndex.getIndex());
            tail.advance(termIndex.getIndex());
        }
        updateLastAppliedTermIndex(termIndex);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFromUtf8(
                Long.toString(termIndex.getIndex()))));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        publisher.advance(index);
        tail.advance(index);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] query = request.getContent().toByteArray();
        if (MetadataFetch.isFetch(query)) {
            return fetch(query);
        }
        CommandHandler handler = commandHandler.get();
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Controller is not running here"));
        }
        return handler.handle(query).thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
    }

    /** A broker-only node's metadata fetch: committed batches after its offset, or the image (see {@link MetadataLogTail}). */
    private CompletableFuture<Message> fetch(byte[] query) {
        MetadataFetch.Request request;
        try {
            request = MetadataFetch.decodeRequest(query);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        org.apache.ratis.server.protocol.TermIndex applied = getLastAppliedTermIndex();
        observers.fetched(request.nodeId(), request.fromOffset(), applied == null ? -1 : applied.getIndex(),
                System.currentTimeMillis());
        return tail.fetch(request.fromOffset(), Math.min(Math.max(request.maxWaitMs(), 0), FETCH_MAX_WAIT_MS))
                .thenApply(response -> Message.valueOf(ByteString.copyFrom(MetadataFetch.encodeResponse(response))));
    }

    /** Broker-only nodes following this member's log. */
    ObserverFetches observers() {
        return observers;
    }

    @Override
    public void close() throws IOException {
        fetchTimer.shutdownNow();
        super.close();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        leaderId = newLeaderId == null ? -1 : Integer.parseInt(newLeaderId.toString());
        if (newLeaderId == null || !newLeaderId.equals(self)) {
            LeadershipListener listener = leadershipListener.get();
            if (listener != null) {
                listener.onLoseLeadership();
            }
        }
    }

    @Override
    public void notifyLeaderReady() {
        LeadershipListener listener = leadershipListener.get();
        if (listener != null) {
            long term = getServer().thenApply(s -> {
                try {
                    return s.getDivision(getGroupId()).getInfo().getCurrentTerm();
                } catch (IOException e) {
                    return -1L;
                }
            }).join();
            listener.onBecomeLeader(term);
        }
    }
}
