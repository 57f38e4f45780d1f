package com.acme;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.StateMachineSchema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A FIFO job queue as a user writes it, compiled by the tests into a directory of its own. Commands are Int64Value:
 * a positive value enqueues it and answers with its ticket (the number of enqueues so far), 0 dequeues and answers
 * with the head, or is refused with "empty". Queries are StringValue "size" or "peek"; answers are Int64Value.
 */
public class JobQueue implements StateMachine {
    private final ArrayDeque<Long> jobs = new ArrayDeque<>();
    private long enqueued;

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        long value = parseCommand(command);
        if (value > 0) {
            jobs.addLast(value);
            enqueued++;
            return Int64Value.of(enqueued).toByteString();
        }
        if (jobs.isEmpty()) {
            throw new CommandRejected("empty");
        }
        return Int64Value.of(jobs.removeFirst()).toByteString();
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        String what;
        try {
            what = StringValue.parseFrom(query).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new CommandRejected("not a StringValue");
        }
        return switch (what) {
            case "size" -> Int64Value.of(size()).toByteString();
            case "peek" -> {
                if (jobs.isEmpty()) {
                    throw new CommandRejected("empty");
                }
                yield Int64Value.of(jobs.peekFirst()).toByteString();
            }
            default -> throw new CommandRejected("unknown query " + what);
        };
    }

    /** The queue's length, as the "size" query answers it. */
    protected long size() {
        return jobs.size();
    }

    private static long parseCommand(ByteString command) throws CommandRejected {
        try {
            return Int64Value.parseFrom(command).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new CommandRejected("not an Int64Value");
        }
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(enqueued);
        data.writeInt(jobs.size());
        for (long job : jobs) {
            data.writeLong(job);
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        jobs.clear();
        enqueued = data.readLong();
        for (int n = data.readInt(); n > 0; n--) {
            jobs.addLast(data.readLong());
        }
    }

    @Override
    public Optional<StateMachineSchema> schema() {
        return Optional.of(StateMachineSchema.of(Int64Value.getDescriptor(), StringValue.getDescriptor())
                .withCommandReplyType(Int64Value.getDescriptor())
                .withQueryReplyType(Int64Value.getDescriptor()));
    }
}
