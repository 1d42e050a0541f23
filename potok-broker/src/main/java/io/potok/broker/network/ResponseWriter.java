package io.potok.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.ApiMessage;

/** Serialises a response body and its header into one size-prefixed frame. */
final class ResponseWriter {
    private ResponseWriter() {
    }

    static ByteBuf frame(ByteBufAllocator alloc, ApiKeys apiKey, short apiVersion, int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = apiKey.responseHeaderVersion(apiVersion);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, apiVersion);
        int size = headerSize + bodySize;
        ByteBuf buf = alloc.ioBuffer(4 + size);
        buf.writeInt(size);
        ByteBuffer nio = buf.nioBuffer(4, size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(nio);
        header.write(accessor, cache, headerVersion);
        body.write(accessor, cache, apiVersion);
        if (nio.hasRemaining()) {
            buf.release();
            throw new IllegalStateException("Response of " + apiKey + " v" + apiVersion + " is " + nio.remaining()
                    + " bytes shorter than its computed size");
        }
        buf.writerIndex(4 + size);
        return buf;
    }
}
