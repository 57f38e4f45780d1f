package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.ActiveEntry;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import java.io.IOException;

/** ACTIVE replication: the log carries the commands; every replica applies each one. */
final class ActiveReplication implements ReplicationProtocol {
    private final StateMachineHost host;
    private final SessionTable sessions;

    ActiveReplication(StateMachineHost host, SessionTable sessions) {
        this.host = host;
        this.sessions = sessions;
    }

    @Override
    public Prepared prepare(CommandBatch batch, long term) {
        ActiveEntry entry = ActiveEntry.newBuilder().setBatch(batch).setLeaderTimeMillis(System.currentTimeMillis())
                .build();
        return new Prepared(entry.toByteString(), null);
    }

    @Override
    public void appending(Object ticket) {
    }

    @Override
    public void cancelled(Object ticket) {
    }

    @Override
    public BatchReply apply(ByteString logData, long index) throws ReplicaFailedException, IOException {
        ActiveEntry entry = ActiveEntry.parseFrom(logData);
        CommandBatch batch = entry.getBatch();
        return sessions.apply(batch, batch.getCommandsCount(), entry.getLeaderTimeMillis(),
                i -> host.apply(batch.getCommands(i), index));
    }

    @Override
    public void leaderReady() {
    }

    @Override
    public void notLeader() {
    }

    @Override
    public long chainLength() {
        return 0;
    }

    @Override
    public void loadChainLength(long length) {
    }
}
