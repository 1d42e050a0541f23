package io.potok.metadata.quorum;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata fetch: how a broker-only node, which is not a Raft voter, follows the metadata log.
 * It travels on the state machine's read-only query channel like forwarded commands, told apart by
 * its first byte ({@link #FETCH}, never a command type).
 *
 * <pre>
 * request:  FETCH:byte  fromOffset:long  maxWaitMs:int  [nodeId:int]   (nodeId: the fetching node, for
 *           DescribeQuorum's observers; absent from older nodes' fetches)
 * response: kind:byte (0 = batches, 1 = snapshot)  leaderId:int  lastOffset:long
 *           count:int  count x (offset:long  length:int  records:bytes[length])
 * </pre>
 *
 * Offsets are the leader's Raft log indexes. A batches answer holds every committed batch after
 * {@code fromOffset} up to {@code lastOffset}, in log order; entries without metadata (Raft's own)
 * have no batch, so {@code lastOffset} may lie beyond the last batch. A snapshot answer holds one
 * batch, the whole image as records ({@code ImageSnapshot.toRecords}) at {@code lastOffset}. An
 * empty batches answer with {@code lastOffset <= fromOffset} means nothing new arrived in time.
 */
public final class MetadataFetch {
    /** First byte of a fetch query; controller command types are small positive numbers. */
    static final byte FETCH = (byte) 0xFE;
    private static final byte KIND_BATCHES = 0;
    private static final byte KIND_SNAPSHOT = 1;

    private MetadataFetch() {
    }

    /** One committed batch: its log index and its records in {@code MetadataRecordSerde} form. */
    public record Batch(long offset, byte[] records) {
    }

    /**
     * @param leaderId   the node that answered (the Raft leader when it answered)
     * @param snapshot   true: {@code batches} is one batch holding the whole image at {@code lastOffset}
     * @param lastOffset the log index the asker's image is at once it applied this answer
     */
    public record Response(int leaderId, boolean snapshot, long lastOffset, List<Batch> batches) {
        public Response {
            batches = List.copyOf(batches);
        }

        /** Whether this answer moves an image at {@code fromOffset} forward. */
        public boolean hasNews(long fromOffset) {
            return lastOffset > fromOffset;
        }
    }

    /** {@code nodeId} -1: a fetch that did not say who sent it. */
    record Request(long fromOffset, int maxWaitMs, int nodeId) {
    }

    static boolean isFetch(byte[] query) {
        return query.length > 0 && query[0] == FETCH;
    }

    static byte[] encodeRequest(int nodeId, long fromOffset, int maxWaitMs) {
        return java.nio.ByteBuffer.allocate(17).put(FETCH).putLong(fromOffset).putInt(maxWaitMs).putInt(nodeId)
                .array();
    }

    static Request decodeRequest(byte[] query) throws IOException {
        if ((query.length != 13 && query.length != 17) || query[0] != FETCH) {
            throw new IOException("Malformed metadata fetch of " + query.length + " bytes");
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(query, 1, query.length - 1);
        return new Request(buffer.getLong(), buffer.getInt(), buffer.hasRemaining() ? buffer.getInt() : -1);
    }

    static byte[] encodeResponse(Response response) {
        int size = 17 + response.batches().stream().mapToInt(b -> 12 + b.records().length).sum();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(response.snapshot() ? KIND_SNAPSHOT : KIND_BATCHES);
            out.writeInt(response.leaderId());
            out.writeLong(response.lastOffset());
            out.writeInt(response.batches().size());
            for (Batch batch : response.batches()) {
                out.writeLong(batch.offset());
                out.writeInt(batch.records().length);
                out.write(batch.records());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return bytes.toByteArray();
    }

    static Response decodeResponse(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte kind = in.readByte();
        if (kind != KIND_BATCHES && kind != KIND_SNAPSHOT) {
            throw new IOException("Unknown metadata fetch answer kind " + kind);
        }
        int leaderId = in.readInt();
        long lastOffset = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > payload.length) {
            throw new IOException("Corrupt metadata fetch answer: batch count " + count);
        }
        List<Batch> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long offset = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("Corrupt metadata fetch answer: batch length " + length);
            }
            byte[] records = new byte[length];
            in.readFully(records);
            batches.add(new Batch(offset, records));
        }
        return new Response(leaderId, kind == KIND_SNAPSHOT, lastOffset, batches);
    }
}
