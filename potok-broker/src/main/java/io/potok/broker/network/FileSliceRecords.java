package io.potok.broker.network;

import io.potok.storage.FileSlice;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * The records of one partition in a Fetch response, as a {@link FileSlice} of a segment file. Handlers put it into
 * {@code FetchResponseData.PartitionData.setRecords}; {@link ResponseWriter} serialises everything around it and sends
 * the slice itself as a {@link SegmentFileRegion} ({@code sendfile}), so the bytes never pass through the Java heap.
 * Only {@link ResponseWriter} can write it: kafka-clients' own writers reject record types they do not know.
 */
public final class FileSliceRecords implements BaseRecords {
    private final FileSlice slice;

    public FileSliceRecords(FileSlice slice) {
        this.slice = slice;
    }

    public FileSlice slice() {
        return slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("A file slice is sent by Potok's ResponseWriter as a FileRegion");
    }

    @Override
    public String toString() {
        return "FileSliceRecords(position=" + slice.position() + ", size=" + slice.sizeInBytes() + ")";
    }
}
