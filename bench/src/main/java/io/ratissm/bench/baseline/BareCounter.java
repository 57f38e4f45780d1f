package io.ratissm.bench.baseline;

import io.ratissm.bench.statemachines.PaddedCounter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
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
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The baseline: the same counter as {@link PaddedCounter}, written directly on Ratis's {@link BaseStateMachine}
 * the way a careful Ratis user would, with none of ratis-sm (no sessions, no batching, no framing). The log
 * entry is the client's message itself; {@code applyTransaction} adds its first 8 bytes and answers the new
 * value.
 *
 * <p>Complete enough to be a fair baseline: snapshots (8 bytes plus an MD5 file, in Ratis's
 * {@link SimpleStateMachineStorage}), recovery from the latest snapshot at start, and the pause/reinitialize
 * lifecycle Ratis drives around a snapshot installed from the leader. Ratis calls {@code applyTransaction}
 * and {@code takeSnapshot} on one thread; {@code query} runs on RPC threads, hence the volatile value.
 */
public final class BareCounter extends BaseStateMachine {
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile long value;

    /** The value, as this replica has applied it so far. */
    public long value() {
        return value;
    }

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
        // Called after Ratis installed a snapshot from the leader into our storage: load it.
        load(storage.loadLatestSnapshot());
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long next;
        try {
            next = value
                    + PaddedCounter.delta(
                            entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (IllegalArgumentException e) {
            // Deterministic on every replica: a short command changes nothing and is answered with the error.
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.failedFuture(e);
        }
        value = next;
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(encode(next));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(encode(value));
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        if (latest != null && latest.getIndex() >= last.getIndex()) {
            return latest.getIndex();
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        try (OutputStream out = Files.newOutputStream(file.toPath())) {
            new DataOutputStream(out).writeLong(value);
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            value = 0;
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (snapshot.hasMd5()
                && !MD5FileUtil.computeMd5ForFile(file)
                        .equals(snapshot.getFile().getFileDigest())) {
            throw new IOException(getId() + ": snapshot " + file + " does not match its MD5 file");
        }
        try (InputStream in = Files.newInputStream(file.toPath())) {
            value = new DataInputStream(in).readLong();
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    private static Message encode(long v) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(
                ByteBuffer.allocate(Long.BYTES).putLong(0, v).array()));
    }
}
