package io.ratissm.bench.kit;

import com.google.protobuf.ByteString;
import io.ratissm.EffectStateMachine;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The baseline {@link StateMachineBenchmark} measures your state machine against: it accepts every command, changes
 * nothing and answers with no bytes. What a group of it costs per command is replication alone (the client, the
 * log and its fsyncs, the network between replicas, the framework), so the difference to your state machine's
 * figures in the same run is the cost of your code: its {@code validate}, {@code apply} (or {@code execute} and
 * {@code applyUpdate} in PASSIVE mode), its replies and updates on the wire, its digests and snapshots.
 *
 * <p>An {@link EffectStateMachine} with empty updates, so that in PASSIVE mode it is the cheapest passive state
 * machine: a state machine without {@code EffectStateMachine} ships its whole state after each batch instead,
 * which is part of what the comparison shows.
 */
public final class NoOpStateMachine implements EffectStateMachine {

    @Override
    public ByteString apply(ByteString command) {
        return ByteString.EMPTY;
    }

    @Override
    public Execution execute(ByteString command) {
        return new Execution(ByteString.EMPTY, ByteString.EMPTY);
    }

    @Override
    public void applyUpdate(ByteString update) {}

    @Override
    public ByteString query(ByteString query) {
        return ByteString.EMPTY;
    }

    @Override
    public boolean queriesAreThreadSafe() {
        return true; // there is no state
    }

    @Override
    public void writeSnapshot(OutputStream out) {}

    @Override
    public void readSnapshot(InputStream in) {}
}
