package io.potok.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * Serialises a response and its header into one size-prefixed frame.
 *
 * <p>Most responses become a single direct {@link ByteBuf} of exactly the computed size. A Fetch response whose
 * partitions carry {@link FileSliceRecords} becomes a sequence of parts instead:
 * <pre>
 *   [size, header, body up to records of p1] [region p1] [body between p1 and p2] [region p2] ... [rest of body]
 * </pre>
 * The byte parts are slices of one buffer that holds every byte of the frame except the file slices (whose length
 * prefixes are in it, written by the generated serialiser from {@code sizeInBytes()}); the regions are
 * {@link SegmentFileRegion}s that the transport sends with {@code sendfile}. Writing the parts in order on one
 * channel produces exactly the bytes a heap serialisation would have.
 */
final class ResponseWriter {
    private ResponseWriter() {
    }

    /** The frame as one buffer; the body must not carry file slices. */
    static ByteBuf frame(ByteBufAllocator alloc, ApiKeys apiKey, short apiVersion, int correlationId, ApiMessage body) {
        List<Object> parts = frameParts(alloc, apiKey, apiVersion, correlationId, body);
        if (parts.size() != 1) {
            parts.forEach(io.netty.util.ReferenceCountUtil::release);
            throw new IllegalStateException("Response of " + apiKey + " carries file slices; use frameParts");
        }
        return (ByteBuf) parts.get(0);
    }

    /** The frame as {@link ByteBuf}s and {@link SegmentFileRegion}s, to be written to the channel in order. */
    static List<Object> frameParts(ByteBufAllocator alloc, ApiKeys apiKey, short apiVersion, int correlationId,
                                   ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = apiKey.responseHeaderVersion(apiVersion);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, apiVersion);
        int size = headerSize + bodySize;
        int bufferBytes = 4 + size - sliceBytes(body);
        ByteBuf buf = alloc.ioBuffer(bufferBytes);
        try {
            buf.writeInt(size);
            ByteBuffer nio = buf.nioBuffer(4, bufferBytes - 4);
            SliceCuttingWritable out = new SliceCuttingWritable(new ByteBufferAccessor(nio));
            header.write(out, cache, headerVersion);
            body.write(out, cache, apiVersion);
            if (nio.hasRemaining()) {
                throw new IllegalStateException("Response of " + apiKey + " v" + apiVersion + " is " + nio.remaining()
                        + " bytes shorter than its computed size");
            }
            buf.writerIndex(bufferBytes);
            if (out.cuts.isEmpty()) {
                return List.of(buf);
            }
            List<Object> parts = new ArrayList<>(2 * out.cuts.size() + 1);
            int from = 0;
            for (Cut cut : out.cuts) {
                int at = 4 + cut.position;
                if (at > from) {
                    parts.add(buf.retainedSlice(from, at - from));
                }
                parts.add(new SegmentFileRegion(cut.records.slice()));
                from = at;
            }
            if (bufferBytes > from) {
                parts.add(buf.retainedSlice(from, bufferBytes - from));
            }
            buf.release();
            return parts;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Bytes of file slices in a Fetch response: they are sent from the files, not from the buffer. */
    private static int sliceBytes(ApiMessage body) {
        if (!(body instanceof FetchResponseData fetch)) {
            return 0;
        }
        int bytes = 0;
        for (FetchResponseData.FetchableTopicResponse topic : fetch.responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.records() instanceof FileSliceRecords slice) {
                    bytes += slice.sizeInBytes();
                }
            }
        }
        return bytes;
    }

    private record Cut(int position, FileSliceRecords records) {
    }

    /** Writes into the buffer and notes where each file slice goes instead of writing it. */
    private static final class SliceCuttingWritable implements Writable {
        private final ByteBufferAccessor delegate;
        private final List<Cut> cuts = new ArrayList<>();

        SliceCuttingWritable(ByteBufferAccessor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof FileSliceRecords slice) {
                if (slice.sizeInBytes() > 0) {
                    cuts.add(new Cut(delegate.buffer().position(), slice));
                }
            } else {
                delegate.writeRecords(records);
            }
        }

        @Override
        public void writeByte(byte val) {
            delegate.writeByte(val);
        }

        @Override
        public void writeShort(short val) {
            delegate.writeShort(val);
        }

        @Override
        public void writeInt(int val) {
            delegate.writeInt(val);
        }

        @Override
        public void writeLong(long val) {
            delegate.writeLong(val);
        }

        @Override
        public void writeDouble(double val) {
            delegate.writeDouble(val);
        }

        @Override
        public void writeByteArray(byte[] arr) {
            delegate.writeByteArray(arr);
        }

        @Override
        public void writeUnsignedVarint(int i) {
            delegate.writeUnsignedVarint(i);
        }

        @Override
        public void writeByteBuffer(ByteBuffer buf) {
            delegate.writeByteBuffer(buf);
        }

        @Override
        public void writeVarint(int i) {
            delegate.writeVarint(i);
        }

        @Override
        public void writeVarlong(long i) {
            delegate.writeVarlong(i);
        }

        @Override
        public void writeUuid(Uuid uuid) {
            delegate.writeUuid(uuid);
        }

        @Override
        public void writeUnsignedShort(int i) {
            delegate.writeUnsignedShort(i);
        }

        @Override
        public void writeUnsignedInt(long i) {
            delegate.writeUnsignedInt(i);
        }
    }
}
