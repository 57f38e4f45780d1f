package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.ReplicaClient;
import io.ratissm.jepsen.workload.ReadMode;
import java.util.List;
import java.util.Random;

/**
 * The clients of one client process: one for commands and one for queries, which it runs in the run's {@link
 * ReadMode}. Each client follows the leader on its own, so a process's reads can still reach a replica that believes
 * it leads after its commands have moved to a new leader: the situation in which a read that is not linearizable (a
 * deposed leader's, or one served from a lease that outlived its leadership) shows. Not thread-safe (one per worker).
 */
final class Reader implements Transport {
    private final ReplicaClient commands;
    private final ReplicaClient queries;
    private final ReadMode mode;
    private final List<String> replicas;
    private final Random random;

    Reader(ReplicaClient commands, ReplicaClient queries, ReadMode mode, List<String> replicas, Random random) {
        this.commands = commands;
        this.queries = queries;
        this.mode = mode;
        this.replicas = List.copyOf(replicas);
        this.random = random;
    }

    @Override
    public ByteString submit(ByteString command) throws CommandRejected {
        return commands.submit(command);
    }

    /** Reads with the {@code query} bytes, linearizably or from a random replica. */
    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        if (mode == ReadMode.STALE) {
            return queries.queryStale(query, replicas.get(random.nextInt(replicas.size())));
        }
        return queries.query(query);
    }
}
