package io.ratissm.jepsen;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A state machine without state, for tests about which classes the harness accepts: commands and queries answer
 * with their own bytes, and snapshots are empty. Subclasses vary what the test is about (visibility, constructors, a
 * method that throws).
 */
public class EchoStateMachine implements StateMachine {
    @Override
    public ByteString apply(ByteString command) {
        return command;
    }

    @Override
    public ByteString query(ByteString query) {
        return query;
    }

    @Override
    public void writeSnapshot(OutputStream out) {}

    @Override
    public void readSnapshot(InputStream in) {}
}
