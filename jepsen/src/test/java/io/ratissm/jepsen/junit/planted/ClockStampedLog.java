package io.ratissm.jepsen.junit.planted;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Planted bug (b): {@code apply} reads the wall clock. Every command (any bytes) is an event, stamped with {@link
 * System#currentTimeMillis()}; the reply is the number of events so far, which every replica computes alike. Any
 * query answers {@code "<events> events, stamps sum to <sum>"} in UTF-8. In ACTIVE mode each replica applies each
 * command at its own moment, so each ends with its own sum: the replicas diverge while every reply a client sees from
 * the leader is right.
 */
public class ClockStampedLog implements StateMachine {
    private long events;
    private long stampSum;

    @Override
    public ByteString apply(ByteString command) {
        events++;
        stampSum += System.currentTimeMillis(); // the bug: not a function of the state and the command
        return ByteString.copyFromUtf8(Long.toString(events));
    }

    @Override
    public ByteString query(ByteString query) {
        return ByteString.copyFromUtf8(events + " events, stamps sum to " + stampSum);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(events);
        data.writeLong(stampSum);
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        events = data.readLong();
        stampSum = data.readLong();
    }
}
