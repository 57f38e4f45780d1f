package io.ratissm.jepsen.junit.planted;

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
import java.util.TreeSet;

/**
 * Planted bug (c): a snapshot that drops part of the state. A set of integers that speaks the bundled {@code IntSet}'s
 * commands and queries (so the harness's {@code set} workload drives it) and buffers adds: a new element lands in
 * {@code recent}, which moves into {@code settled} once it holds {@value #MERGE_EVERY}; a read sees both. Its snapshot
 * writes {@code settled} and forgets {@code recent}: a replica restarted from a snapshot has lost the elements still
 * buffered when it was taken, while every reply is right until a replica loads a snapshot. The buffer is large, so
 * that it is seldom empty when a snapshot is taken. (Its own snapshot as the model would lose the buffer at every
 * step, so it is tested against the set workload's checker instead.)
 */
public class WriteBehindSet extends ProtoStateMachine<SetCommand, SetQuery> {
    static final int MERGE_EVERY = 256;

    private final TreeSet<Long> settled = new TreeSet<>();
    private final TreeSet<Long> recent = new TreeSet<>();

    public WriteBehindSet() {
        super(SetCommand.parser(), SetQuery.parser());
    }

    @Override
    protected Message apply(SetCommand command) throws MalformedCommand {
        if (!command.hasAdd()) {
            throw new MalformedCommand("this set takes add");
        }
        long element = command.getAdd();
        boolean added = !settled.contains(element) && recent.add(element);
        if (recent.size() >= MERGE_EVERY) {
            settled.addAll(recent);
            recent.clear();
        }
        return SetReply.newBuilder().setAdded(added).build();
    }

    @Override
    protected Message query(SetQuery query) throws MalformedCommand {
        if (!query.getRead()) {
            throw new MalformedCommand("this set answers read");
        }
        TreeSet<Long> all = new TreeSet<>(settled);
        all.addAll(recent);
        return SetReply.newBuilder().addAllElements(all).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(settled.size()); // the bug: recent is not written
        for (long e : settled) {
            data.writeLong(e);
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            settled.add(data.readLong());
        }
    }
}
