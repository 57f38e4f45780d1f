package io.ratissm.statemachines;

import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoStateMachine;
import io.ratissm.statemachines.proto.CounterCommand;
import io.ratissm.statemachines.proto.CounterQuery;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A 64-bit counter. {@code add} returns the new value (overflow wraps, deterministically); {@code get} reads it.
 * The snapshot is the value as 8 bytes.
 */
public final class Counter extends ProtoStateMachine<CounterCommand, CounterQuery> {
    private long value;

    public Counter() {
        super(CounterCommand.parser(), CounterQuery.parser());
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
    protected Message apply(CounterCommand command) {
        value += command.getAdd();
        return CounterValue.newBuilder().setValue(value).build();
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
