package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.shard.ShardedClient;

/**
 * The clients of one client process in a sharded run: one {@link ShardedClient} for commands and one for queries, as
 * {@link Reader} has one {@code ReplicaClient} for each, so that a process's reads follow each shard's leader apart from
 * its commands. Each request goes to the shard that owns its key, with a {@code ReplicaClient}'s guarantees per shard;
 * queries are linearizable (a sharded client has no stale reads). A request without a key cannot be routed: {@link
 * ClientWorker} refuses such an op before it is invoked.
 */
final class ShardedTransport implements Transport {
    private final ShardedClient commands;
    private final ShardedClient queries;

    ShardedTransport(ShardedClient commands, ShardedClient queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @Override
    public ByteString submit(ByteString command) {
        throw new IllegalStateException("a sharded run routes every command by its key, and this one has none");
    }

    @Override
    public ByteString query(ByteString query) {
        throw new IllegalStateException("a sharded run routes every query by its key, and this one has none");
    }

    @Override
    public ByteString submit(String key, ByteString command) throws CommandRejected {
        return key == null ? submit(command) : commands.submit(key, command);
    }

    @Override
    public ByteString query(String key, ByteString query) throws CommandRejected {
        return key == null ? query(query) : queries.query(key, query);
    }

    @Override
    public boolean routesByKey() {
        return true;
    }
}
