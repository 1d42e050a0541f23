package io.potok.broker.network;

import io.netty.channel.DefaultFileRegion;
import io.potok.storage.FileSlice;

/**
 * A {@link FileSlice} on its way to a socket. It is a {@link DefaultFileRegion} because Netty's epoll transport sends
 * exactly that class natively with {@code sendfile(2)} (other FileRegions go through a user-space copy). Unlike its
 * parent it does not close the file when released: the channel is the segment's, shared by every reader, and the log
 * closes it (see {@link FileSlice} for why it outlives any write).
 */
final class SegmentFileRegion extends DefaultFileRegion {
    SegmentFileRegion(FileSlice slice) {
        super(slice.channel(), slice.position(), slice.sizeInBytes());
    }

    @Override
    protected void deallocate() {
        // The segment owns the channel.
    }
}
