package io.ratissm.internal.server;

import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.ActiveEntry;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.SessionTick;
import java.util.Optional;

/** ACTIVE replication: the log carries the commands; every replica applies each one. */
final class ActiveReplication implements ReplicationProtocol {
    private final StateMachineHost host;
    private final SessionTable sessions;

    ActiveReplication(StateMachineHost host, SessionTable sessions) {
        this.host = host;
        this.sessions = sessions;
    }

    @Override
    public Prepared prepare(CommandBatch batch, SessionTick tick) {
        ActiveEntry entry =
                ActiveEntry.newBuilder().setBatch(batch).setTick(tick).build();
        return new Prepared(LogEntry.newBuilder().setActive(entry).build().toByteString(), null);
    }

    @Override
    public void appending(Object ticket, long term, long index) {}

    @Override
    public void cancelled(Object ticket) {}

    @Override
    public BatchReply apply(LogEntry logEntry, long term, long index) throws ReplicaFailedException {
        ActiveEntry entry = logEntry.getActive();
        CommandBatch batch = entry.getBatch();
        return sessions.apply(
                batch, batch.getCommandsCount(), entry.getTick(), i -> host.apply(batch.getCommands(i), index));
    }

    @Override
    public void leaderReady(long term) {}

    @Override
    public void notLeader() {}

    @Override
    public Optional<PassiveReplication.Position> passiveHead() {
        return Optional.empty();
    }

    @Override
    public void loadPassiveHead(Optional<PassiveReplication.Position> head) {}
}
