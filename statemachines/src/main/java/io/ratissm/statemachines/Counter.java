package io.ratissm.statemachines;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoEffectStateMachine;
import io.ratissm.statemachines.proto.CounterCommand;
import io.ratissm.statemachines.proto.CounterQuery;
import io.ratissm.statemachines.proto.CounterUpdate;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A 64-bit counter. {@code add} returns the new value (overflow wraps, deterministically); {@code get} reads it.
 * The snapshot is the value as 8 bytes; the update a PASSIVE leader logs is the new value.
 */
public final class Counter extends ProtoEffectStateMachine<CounterCommand, CounterQuery, CounterUpdate> {
    private long value;

    public Counter() {
        super(CounterCommand.parser(), CounterQuery.parser(), CounterUpdate.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(CounterValue.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(CounterValue.getDescriptor());
    }

    /** The command that adds {@code delta}. */
    public static CounterCommand add(long delta) {
        return CounterCommand.newBuilder().setAdd(delta).build();
    }

    /** The query that reads the value. */
    public static CounterQuery get() {
        return CounterQuery.newBuilder().setGet(true).build();
    }

    @Override
    protected void validate(CounterCommand command) throws MalformedCommand {
        if (command.getOpCase() == CounterCommand.OpCase.OP_NOT_SET) {
            throw new MalformedCommand("a counter command must set 'add'");
        }
    }

    @Override
    protected Effect<CounterUpdate> execute(CounterCommand command) {
        value += command.getAdd();
        return new Effect<>(
                CounterValue.newBuilder().setValue(value).build(),
                CounterUpdate.newBuilder().setValue(value).build());
    }

    @Override
    protected void applyUpdate(CounterUpdate update) {
        value = update.getValue();
    }

    @Override
    protected Message query(CounterQuery query) {
        return CounterValue.newBuilder().setValue(value).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        new DataOutputStream(out).writeLong(value);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        value = new DataInputStream(in).readLong();
    }
}
