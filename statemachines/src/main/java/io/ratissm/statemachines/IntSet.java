package io.ratissm.statemachines;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoStateMachine;
import io.ratissm.statemachines.proto.SetCommand;
import io.ratissm.statemachines.proto.SetQuery;
import io.ratissm.statemachines.proto.SetReply;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A grow-only set of 64-bit integers: {@code add} inserts an element (adding one twice is harmless and
 * says so), {@code read} returns every element in ascending order. It is the state machine behind the
 * harness's set workload, which checks that no acknowledged add is ever lost.
 *
 * <p>The snapshot is the element count, then the elements ascending, 8 bytes each, so it is byte-for-byte
 * the same on every replica with the same state.
 */
public final class IntSet extends ProtoStateMachine<SetCommand, SetQuery> {
    private final TreeSet<Long> elements = new TreeSet<>();

    public IntSet() {
        super(SetCommand.parser(), SetQuery.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(SetReply.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(SetReply.getDescriptor());
    }

    /** The command that adds {@code element}. */
    public static SetCommand add(long element) {
        return SetCommand.newBuilder().setAdd(element).build();
    }

    /** The query that reads the whole set. */
    public static SetQuery read() {
        return SetQuery.newBuilder().setRead(true).build();
    }

    @Override
    protected void validate(SetCommand command) throws MalformedCommand {
        if (command.getOpCase() == SetCommand.OpCase.OP_NOT_SET) {
            throw new MalformedCommand("a set command must set 'add'");
        }
    }

    @Override
    protected Message apply(SetCommand command) throws MalformedCommand {
        validate(command);
        return SetReply.newBuilder().setAdded(elements.add(command.getAdd())).build();
    }

    @Override
    protected Message query(SetQuery query) throws MalformedCommand {
        if (query.getOpCase() == SetQuery.OpCase.OP_NOT_SET) {
            throw new MalformedCommand("a set query must set 'read'");
        }
        return SetReply.newBuilder().addAllElements(elements).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(elements.size());
        for (long e : elements) {
            data.writeLong(e);
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long n = data.readLong();
        if (n < 0) {
            throw new IOException("corrupt IntSet snapshot: negative element count " + n);
        }
        elements.clear();
        for (long i = 0; i < n; i++) {
            elements.add(data.readLong());
        }
    }
}
