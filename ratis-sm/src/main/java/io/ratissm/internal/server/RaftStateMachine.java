package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.ActiveEntry;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.QueryRequest;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge from Ratis's state machine SPI to a user {@link StateMachine} in ACTIVE replication: the leader
 * checks each command batch before it is logged, every replica applies the logged batches in order through
 * the {@link SessionTable} (exactly-once), and snapshots hold the session table and the user's state.
 *
 * <p>Ratis threads: {@code startTransaction} runs concurrently on the leader's RPC threads; {@code
 * applyTransaction} and {@code takeSnapshot} run on the single StateMachineUpdater thread; {@code query}
 * runs on RPC threads. {@link StateMachineHost} serialises what touches user state.
 */
public final class RaftStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RaftStateMachine.class);

    private final String replicaId;
    private final int maxCommandBytes;
    private final StateMachineHost host;
    private final SessionTable sessions;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    public RaftStateMachine(String replicaId, Supplier<? extends StateMachine> factory, int maxCommandBytes,
                            long sessionIdleTimeoutMillis, Runnable onFailStop) {
        this.replicaId = replicaId;
        this.maxCommandBytes = maxCommandBytes;
        this.host = new StateMachineHost(replicaId, factory, onFailStop);
        this.sessions = new SessionTable(sessionIdleTimeoutMillis);
    }

    /** Null while this replica's state machine is healthy; otherwise the reason it fail-stopped. */
    public String failure() {
        return host.failure();
    }

    // ---- lifecycle: Ratis pauses the state machine around a snapshot installation and then reinitializes it

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> load(storage.getLatestSnapshot()), IOException.class);
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    // ---- writes

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) {
        TransactionContext.Builder b = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
        try {
            CommandBatch batch = checkedBatch(Bytes.content(request.getMessage()));
            ActiveEntry entry = ActiveEntry.newBuilder().setBatch(batch)
                    .setLeaderTimeMillis(System.currentTimeMillis()).build();
            return b.setLogData(Bytes.toRatis(entry.toByteString())).build();
        } catch (CommandRejected | ReplicaFailedException e) {
            TransactionContext refused = b.build();
            refused.setException(e);
            return refused;
        }
    }

    /** The checks a command passes before it may enter the log. */
    private CommandBatch checkedBatch(ByteString request) throws CommandRejected, ReplicaFailedException {
        String failure = host.failure();
        if (failure != null) {
            throw new ReplicaFailedException(replicaId + ": " + failure);
        }
        CommandBatch batch;
        try {
            batch = CommandBatch.parseFrom(request);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("the request is not a ratis-sm command batch: " + e.getMessage());
        }
        if (batch.getCommandsCount() == 0) {
            throw new MalformedCommand("the request carries no command");
        }
        for (ByteString command : batch.getCommandsList()) {
            if (command.size() > maxCommandBytes) {
                throw new CommandTooLarge("the command has " + command.size() + " bytes, more than the group's limit of "
                        + maxCommandBytes + " bytes (maxCommandBytes)");
            }
            host.validate(command);
        }
        return batch;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        try {
            ActiveEntry active = ActiveEntry.parseFrom(Bytes.fromRatis(entry.getStateMachineLogEntry().getLogData()));
            BatchReply reply = sessions.apply(active.getBatch(), active.getLeaderTimeMillis(),
                    command -> host.apply(command, entry.getIndex()));
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.completedFuture(Bytes.message(reply));
        } catch (ReplicaFailedException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InvalidProtocolBufferException e) {
            // Only a leader of this framework writes entries; an unreadable one means corruption or a foreign writer.
            return CompletableFuture.failedFuture(new IllegalStateException(
                    replicaId + ": log entry " + entry.getIndex() + " is not a ratis-sm entry", e));
        }
    }

    // ---- reads

    @Override
    public CompletableFuture<Message> query(Message request) {
        Outcome outcome;
        try {
            outcome = host.query(QueryRequest.parseFrom(Bytes.content(request)).getQuery());
        } catch (InvalidProtocolBufferException e) {
            outcome = Outcome.newBuilder().setMalformed("the request is not a ratis-sm query: " + e.getMessage())
                    .build();
        } catch (ReplicaFailedException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(Bytes.message(outcome));
    }

    // ---- snapshots

    @Override
    public long takeSnapshot() throws IOException {
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        long latestIndex = latest == null ? -1 : latest.getIndex();
        TermIndex last = getLastAppliedTermIndex();
        if (host.failure() != null || last.getIndex() <= latestIndex) {
            return latestIndex; // a fail-stopped state is never snapshotted
        }
        long start = System.nanoTime();
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        SnapshotFormat.write(file, sessions.toSnapshot(), host::writeSnapshot);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("{}: snapshot at index {} ({} bytes, {} ms)", replicaId, last.getIndex(), file.length(),
                (System.nanoTime() - start) / 1_000_000);
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            host.reset();
            sessions.clear();
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (!snapshot.hasMd5()) {
            throw new IOException(replicaId + ": snapshot " + file + " has no .md5 file, so it cannot be verified; "
                    + "move it away to recover from the other replicas");
        }
        MD5Hash actual = MD5FileUtil.computeMd5ForFile(file);
        if (!actual.equals(snapshot.getFile().getFileDigest())) {
            throw new IOException(replicaId + ": snapshot " + file + " is corrupt (its MD5 is " + actual
                    + ", the .md5 file says " + snapshot.getFile().getFileDigest()
                    + "); move it away to recover from the other replicas");
        }
        SnapshotFormat.read(file, (sessionTable, stateMachineBytes) -> {
            host.restore(stateMachineBytes);
            sessions.load(sessionTable);
        });
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("{}: loaded snapshot {} ({} sessions)", replicaId, file.getName(), sessions.size());
    }
}
