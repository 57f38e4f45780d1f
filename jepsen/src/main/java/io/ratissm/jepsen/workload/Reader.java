package io.ratissm.jepsen.workload;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.CommandRejected;
import io.ratissm.ReplicaClient;
import java.util.List;
import java.util.Random;

/** Runs the reads of one client process in the run's {@link ReadMode}. Not thread-safe (one per worker). */
public final class Reader {
    private final ReplicaClient client;
    private final ReadMode mode;
    private final List<String> replicas;
    private final Random random;

    public Reader(ReplicaClient client, ReadMode mode, List<String> replicas, Random random) {
        this.client = client;
        this.mode = mode;
        this.replicas = List.copyOf(replicas);
        this.random = random;
    }

    /** Reads with {@code query}, linearizably or from a random replica. */
    public <R extends Message> R read(Message query, Parser<R> parser) throws CommandRejected {
        if (mode == ReadMode.STALE) {
            return client.queryStale(query, replicas.get(random.nextInt(replicas.size())), parser);
        }
        return client.query(query, parser);
    }

    /** A linearizable read whatever the mode, for final reads that the checkers take as the truth. */
    public <R extends Message> R readLinearizable(Message query, Parser<R> parser) throws CommandRejected {
        return client.query(query, parser);
    }

    public ReplicaClient client() {
        return client;
    }
}
