package io.ratissm.cli;

import com.google.protobuf.Message;
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
 * A counter of the bundled counter's messages that, unlike it, declares no reply types: its group advertises the
 * command and query types only, so the command line shows its replies field by field by number.
 */
final class TallyOfUndeclaredReplies extends ProtoStateMachine<CounterCommand, CounterQuery> {
    private long value;

    TallyOfUndeclaredReplies() {
        super(CounterCommand.parser(), CounterQuery.parser());
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
