package io.ratissm.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.StateMachineSchema;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The bundled {@link Counter} with a bug: adding {@value #POISON} throws on every replica (ACTIVE mode), as a state
 * machine bug would. Public with a no-argument constructor, so that a configuration file can name it.
 */
public final class CounterWithABug implements StateMachine {
    static final long POISON = 13;

    private final Counter counter = new Counter();

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        try {
            if (CounterCommand.parseFrom(command).getAdd() == POISON) {
                throw new IllegalStateException("simulated bug adding " + POISON);
            }
        } catch (InvalidProtocolBufferException e) {
            // the counter itself refuses it
        }
        return counter.apply(command);
    }

    @Override
    public void validate(ByteString command) throws CommandRejected {
        counter.validate(command);
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        return counter.query(query);
    }

    /** The counter's: a state machine that delegates advertises its delegate's types. */
    @Override
    public Optional<StateMachineSchema> schema() {
        return counter.schema();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        counter.writeSnapshot(out);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        counter.readSnapshot(in);
    }
}
