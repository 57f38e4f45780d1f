package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.CommandRejected;
import io.ratissm.ReplicaClient;
import java.util.List;
import java.util.Random;

/**
 * The clients of one client process: one for commands ({@link #client()}) and one for reads, which runs them in the
 * run's {@link ReadMode}. Each client follows the leader on its own, so a process's reads can still reach a replica
 * that believes it leads after its commands have moved to a new leader: the situation in which a read that is not
 * linearizable (a deposed leader's, or one served from a lease that outlived its leadership) shows. Not thread-safe
 * (one per worker).
 */
public final class Reader {
    private final ReplicaClient commands;
    private final ReplicaClient queries;
    private final ReadMode mode;
    private final List<String> replicas;
    private final Random random;

    public Reader(ReplicaClient commands, ReplicaClient queries, ReadMode mode, List<String> replicas, Random random) {
        this.commands = commands;
        this.queries = queries;
        this.mode = mode;
        this.replicas = List.copyOf(replicas);
        this.random = random;
    }

    /** Reads with {@code query}, linearizably or from a random replica. */
    public <R extends Message> R read(Message query, Parser<R> parser) throws CommandRejected {
        if (mode == ReadMode.STALE) {
            return queries.queryStale(query, replicas.get(random.nextInt(replicas.size())), parser);
        }
        return queries.query(query, parser);
    }

    /** Reads with the raw {@code query} bytes, linearizably or from a random replica, as {@link #read} does. */
    public ByteString read(ByteString query) throws CommandRejected {
        if (mode == ReadMode.STALE) {
            return queries.queryStale(query, replicas.get(random.nextInt(replicas.size())));
        }
        return queries.query(query);
    }

    /** A linearizable read whatever the mode, for final reads that the checkers take as the truth. */
    public <R extends Message> R readLinearizable(Message query, Parser<R> parser) throws CommandRejected {
        return queries.query(query, parser);
    }

    /** The client for commands. */
    public ReplicaClient client() {
        return commands;
    }
}
