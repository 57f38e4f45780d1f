package io.ratissm.jepsen.checker;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A FIFO queue of longs, written as a user would write a state machine, for checking the checker with the state
 * machine as its own model. Commands: {@code E} + 8-byte value enqueues and replies with its ticket, the number of
 * enqueues so far (as a job queue answers with the job's id), or, when built
 * {@link #FifoQueueStateMachine(boolean) silent}, with nothing; {@code D} dequeues and
 * replies with the element, or is refused with "empty" on an empty queue. Queries: {@code S} the length, {@code P}
 * the front element (empty bytes when the queue is empty).
 */
final class FifoQueueStateMachine implements StateMachine {
    private final ArrayDeque<Long> elements = new ArrayDeque<>();
    private final boolean enqueueRepliesTicket;
    private long enqueued;

    FifoQueueStateMachine() {
        this(true);
    }

    FifoQueueStateMachine(boolean enqueueRepliesTicket) {
        this.enqueueRepliesTicket = enqueueRepliesTicket;
    }

    static ByteString enqueue(long value) {
        return ByteString.copyFrom(
                ByteBuffer.allocate(9).put((byte) 'E').putLong(value).array());
    }

    static ByteString dequeue() {
        return ByteString.copyFrom(new byte[] {'D'});
    }

    static ByteString size() {
        return ByteString.copyFrom(new byte[] {'S'});
    }

    static ByteString peek() {
        return ByteString.copyFrom(new byte[] {'P'});
    }

    static ByteString element(long value) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(value).array());
    }

    static ByteString length(int n) {
        return ByteString.copyFrom(ByteBuffer.allocate(4).putInt(n).array());
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        switch (command.byteAt(0)) {
            case 'E' -> {
                elements.addLast(command.substring(1).asReadOnlyByteBuffer().getLong());
                enqueued++;
                return enqueueRepliesTicket ? element(enqueued) : ByteString.EMPTY;
            }
            case 'D' -> {
                if (elements.isEmpty()) {
                    throw new CommandRejected("empty");
                }
                return element(elements.removeFirst());
            }
            default -> throw new CommandRejected("unknown command " + command.byteAt(0));
        }
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        return switch (query.byteAt(0)) {
            case 'S' -> length(elements.size());
            case 'P' -> elements.isEmpty() ? ByteString.EMPTY : element(elements.peekFirst());
            default -> throw new CommandRejected("unknown query " + query.byteAt(0));
        };
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(enqueued);
        data.writeInt(elements.size());
        for (long e : elements) {
            data.writeLong(e);
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        enqueued = data.readLong();
        for (int n = data.readInt(); n > 0; n--) {
            elements.addLast(data.readLong());
        }
    }

    /** The elements front first, for reports. */
    String describe() {
        return elements.toString();
    }
}
