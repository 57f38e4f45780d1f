package com.acme;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;

/**
 * The planted bug: "size" answers a counter that apply keeps beside the queue but no snapshot holds, so a replica
 * that restored a snapshot (and the model, which restores one before every step) answers a stale length.
 */
public class StaleSizeJobQueue extends JobQueue {
    private long cachedSize;

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        ByteString reply = super.apply(command);
        cachedSize = super.size();
        return reply;
    }

    @Override
    protected long size() {
        return cachedSize;
    }
}
