package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;

/**
 * Where a client's requests go: the replicated group ({@link Reader}), the shards of a sharded deployment ({@link
 * ShardedTransport}), or one state machine in this JVM ({@link InProcessStateMachine}), so that a workload's ops run by
 * the same rules on each ({@link ClientWorker}).
 */
interface Transport {
    /** Sends a command and returns the reply. */
    ByteString submit(ByteString command) throws CommandRejected;

    /** Sends a query and returns the reply. */
    ByteString query(ByteString query) throws CommandRejected;

    /**
     * Sends a command about {@code key} ({@code Workload.shardKey}; null for a workload without keys) and returns the
     * reply. By default the key is not needed: one group holds every key.
     */
    default ByteString submit(String key, ByteString command) throws CommandRejected {
        return submit(command);
    }

    /** Sends a query about {@code key} (as {@link #submit(String, ByteString)}) and returns the reply. */
    default ByteString query(String key, ByteString query) throws CommandRejected {
        return query(query);
    }

    /** Whether every request needs its key (a sharded deployment routes by it); false by default. */
    default boolean routesByKey() {
        return false;
    }
}
