package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.internal.NotReadyException;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.SessionTick;
import java.io.IOException;
import java.util.Optional;

/**
 * What differs between ACTIVE and PASSIVE replication: what the leader writes into the log for a batch of
 * commands, and how every replica applies it. Everything else (checks, sessions, snapshots, reads) is shared.
 */
interface ReplicationProtocol {

    /** A log entry the leader has prepared, and what it needs to know when the entry is appended. */
    record Prepared(ByteString logData, Object ticket) {}

    /**
     * On the leader, from Ratis's RPC threads: the log entry for a batch that passed the checks.
     *
     * @param tick what the entry tells the session table
     * @throws CommandRejected if the batch must be refused without entering the log
     * @throws NotReadyException if the leader cannot take it now (the client retries)
     */
    Prepared prepare(CommandBatch batch, SessionTick tick) throws CommandRejected, NotReadyException;

    /**
     * The prepared entry is being appended, in log order (Ratis's preAppendTransaction, under the log's lock), at
     * {@code index} in {@code term}.
     *
     * @throws IOException to refuse the entry (it is then not appended, and its client retries)
     */
    void appending(Object ticket, long term, long index) throws IOException;

    /** The prepared entry will not be appended (Ratis's cancelTransaction). */
    void cancelled(Object ticket);

    /** Applies the committed entry at {@code index}, written in {@code term}, on every replica, in log order. */
    BatchReply apply(LogEntry entry, long term, long index) throws ReplicaFailedException;

    /** This replica became a leader in {@code term} and has applied every entry of earlier terms. */
    void leaderReady(long term);

    /** This replica is no longer the leader. */
    void notLeader();

    /** The protocol's part of the replicated state, for snapshots: the last passive entry applied, if any. */
    Optional<PassiveReplication.Position> passiveHead();

    void loadPassiveHead(Optional<PassiveReplication.Position> head);
}
