package io.potok.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.potok.storage.FileSlice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Fetch response with file slices, written as parts, must be byte for byte the response a client can parse. */
class ResponseWriterTest {
    @TempDir
    Path dir;

    @Test
    void fileSlicesGoOutAsRegionsBetweenTheBytesAroundThem() throws IOException {
        MemoryRecords first = records(0, "a", "b", "c");
        MemoryRecords second = records(3, "d", "e");
        Path file = dir.resolve("00000000000000000000.log");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[100])); // something before the batches
            long firstAt = channel.position();
            channel.write(first.buffer().duplicate());
            long secondAt = channel.position();
            channel.write(second.buffer().duplicate());

            Uuid topicId = Uuid.randomUuid();
            FetchResponseData data = new FetchResponseData().setSessionId(0);
            List<FetchResponseData.PartitionData> partitions = new ArrayList<>();
            partitions.add(partition(0, new FileSliceRecords(new FileSlice(channel, firstAt, first.sizeInBytes()))));
            partitions.add(partition(1, MemoryRecords.EMPTY));
            partitions.add(partition(2, new FileSliceRecords(new FileSlice(channel, secondAt, second.sizeInBytes()))));
            data.responses().add(new FetchResponseData.FetchableTopicResponse().setTopicId(topicId)
                    .setPartitions(partitions));

            short version = ApiKeys.FETCH.latestVersion();
            List<Object> parts = ResponseWriter.frameParts(UnpooledByteBufAllocator.DEFAULT, ApiKeys.FETCH, version,
                    42, data);
            assertThat(parts).hasSize(5).hasAtLeastOneElementOfType(SegmentFileRegion.class);

            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (Object part : parts) {
                if (part instanceof ByteBuf buf) {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    wire.write(bytes);
                    buf.release();
                } else {
                    DefaultFileRegion region = (DefaultFileRegion) part;
                    region.transferTo(Channels.newChannel(wire), 0);
                    region.release();
                }
            }
            assertThat(channel.isOpen()).as("a released region leaves the segment's channel open").isTrue();

            ByteBuffer frame = ByteBuffer.wrap(wire.toByteArray());
            assertThat(frame.getInt()).isEqualTo(frame.remaining());
            ResponseHeader header = ResponseHeader.parse(frame, ApiKeys.FETCH.responseHeaderVersion(version));
            assertThat(header.correlationId()).isEqualTo(42);
            FetchResponse parsed = FetchResponse.parse(new ByteBufferAccessor(frame), version);
            List<FetchResponseData.PartitionData> got = parsed.data().responses().get(0).partitions();
            assertThat(values((MemoryRecords) got.get(0).records())).containsExactly("a", "b", "c");
            assertThat(((MemoryRecords) got.get(1).records()).sizeInBytes()).isZero();
            assertThat(values((MemoryRecords) got.get(2).records())).containsExactly("d", "e");
        }
    }

    private static FetchResponseData.PartitionData partition(int index,
            org.apache.kafka.common.record.internal.BaseRecords records) {
        return new FetchResponseData.PartitionData().setPartitionIndex(index).setHighWatermark(5)
                .setLastStableOffset(5).setLogStartOffset(0).setRecords(records);
    }

    private static MemoryRecords records(long baseOffset, String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(1000L, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, simple);
    }

    private static List<String> values(MemoryRecords records) {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            for (Record record : batch) {
                out.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        return out;
    }
}
