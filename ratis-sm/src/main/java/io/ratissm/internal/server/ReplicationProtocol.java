package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.internal.NotReadyException;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import java.io.IOException;

/**
 * What differs between ACTIVE and PASSIVE replication: what the leader writes into the log for a batch of
 * commands, and how every replica applies it. Everything else (checks, sessions, snapshots, reads) is shared.
 */
interface ReplicationProtocol {

    /** A log entry the leader has prepared, and what it needs to know when the entry is appended. */
    record Prepared(ByteString logData, Object ticket) {
    }

    /**
     * On the leader, from Ratis's RPC threads: the log entry for a batch that passed the checks.
     *
     * @throws CommandRejected if the batch must be refused without entering the log
     * @throws NotReadyException if the leader cannot take it now (the client retries)
     */
    Prepared prepare(CommandBatch batch, long term) throws CommandRejected, NotReadyException;

    /** The prepared entry is being appended, in log order (Ratis's preAppendTransaction). */
    void appending(Object ticket) throws IOException;

    /** The prepared entry will not be appended (Ratis's cancelTransaction). */
    void cancelled(Object ticket);

    /** Applies a committed entry, on every replica, in log order. */
    BatchReply apply(ByteString logData, long index) throws ReplicaFailedException, IOException;

    /** This replica became a leader that has applied every entry of earlier terms. */
    void leaderReady();

    /** This replica is no longer the leader. */
    void notLeader();

    /** The protocol's part of the replicated state (for snapshots): the length of the passive chain. */
    long chainLength();

    void loadChainLength(long length);
}
