package io.ratissm.shard;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.CommandRejected;
import io.ratissm.GroupNotFoundException;
import io.ratissm.RatisSmException;
import io.ratissm.ReplicaClient;
import io.ratissm.Tls;
import io.ratissm.internal.Causes;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.proto.KeyedCommand;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardQuery;
import io.ratissm.internal.proto.ShardReply;
import io.ratissm.internal.shard.ShardEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client of a sharded deployment: sends each command or query to the shard that owns its key ({@link ShardMap}),
 * with the guarantees of a {@link ReplicaClient} per shard: operations on one key are linearizable, and a command is
 * applied at most once (exactly once when it returns). Operations on keys of different shards are independent: no
 * atomicity across shards (keep keys that must change together in one shard with a hash tag, {@code {tag}}).
 *
 * <p>The client caches the shard map. When a shard refuses a command (routed by an older map than its ownership,
 * or for a key it does not own), the refusal had no effect: the client reads the map again and sends the command
 * to the right shard, at most a few times. When a shard's group is not found where the map said (it was moved or
 * removed), the client reads the map again for the next call; a command then ends with {@link
 * GroupNotFoundException}, since it may have been applied before (a query is sent again).
 *
 * <p>Thread-safe; one client serves any number of threads. Close it to release its connections.
 */
public final class ShardedClient implements AutoCloseable {
    /** Map refreshes per call before a refusal is final: a map changes rarely, and a refusal costs one log entry. */
    private static final int MAX_ROUTES = 4;

    private final ShardEndpoints endpoints;
    private final ReplicaClient placement;
    /**
     * Clients of shards whose members changed, which calls may still run on: each is closed once a call started on it
     * has certainly ended (twice the timeout later), or with this client.
     */
    private final List<ReplicaClient> retired = new ArrayList<>();

    private volatile Routes routes;
    private boolean closed;

    /** The map and one client per shard, built together. */
    private record Routes(ShardMap map, List<ReplicaClient> shards) {}

    private ShardedClient(ShardEndpoints endpoints) {
        this.endpoints = endpoints;
        this.placement = endpoints.placementClient();
        this.routes = new Routes(new ShardMap(0, "", List.of()), List.of());
    }

    /** A client of the deployment whose placement group has the default name and these replicas. */
    public static ShardedClient connect(String placementPeers) {
        return builder().peers(placementPeers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies {@code command} on the shard that owns {@code key}, and returns the state machine's reply.
     *
     * @throws CommandRejected      if the state machine refused it ({@link WrongShardException} if no shard would
     *                              take it)
     * @throws IllegalStateException if the deployment has no shard set
     */
    public ByteString submit(String key, ByteString command) throws CommandRejected {
        return join(submitAsync(key, command));
    }

    /** Submits a command built from the state machine's Protobuf messages and parses the reply. */
    public <R extends Message> R submit(String key, Message command, Parser<R> reply) throws CommandRejected {
        return parse(submit(key, command.toByteString()), reply);
    }

    /** {@link #submit}, asynchronously. */
    public CompletableFuture<ByteString> submitAsync(String key, ByteString command) {
        return send(key, command, true, 0);
    }

    /** Answers {@code query} linearizably on the shard that owns {@code key}. */
    public ByteString query(String key, ByteString query) throws CommandRejected {
        return join(queryAsync(key, query));
    }

    /** Answers a query built from the state machine's Protobuf messages and parses the reply. */
    public <R extends Message> R query(String key, Message query, Parser<R> reply) throws CommandRejected {
        return parse(query(key, query.toByteString()), reply);
    }

    /** {@link #query}, asynchronously. */
    public CompletableFuture<ByteString> queryAsync(String key, ByteString query) {
        return send(key, query, false, 0);
    }

    /** The shard map the client routes by now (read from the placement group at the first call, or refreshed). */
    public ShardMap map() {
        return routes.map();
    }

    /** Reads the map from the placement group now, and routes by it if it is newer. */
    public ShardMap refresh() {
        try {
            return refreshAsync().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the shard map", e);
        } catch (ExecutionException e) {
            Throwable cause = Causes.unwrapped(e);
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        }
    }

    @Override
    public void close() {
        List<ReplicaClient> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(retired);
            retired.clear();
            all.addAll(routes.shards());
        }
        all.forEach(ReplicaClient::close);
        placement.close();
    }

    private CompletableFuture<ByteString> send(String key, ByteString payload, boolean command, int attempt) {
        Routes r = routes;
        if (r.map().shardCount() == 0 && attempt == 0) {
            // No map yet (or no shard set when it was read): read it before routing.
            return refreshAsync().thenCompose(map -> send(key, payload, command, attempt + 1));
        }
        ShardMap.Shard shard;
        try {
            shard = r.map().shardFor(key);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        KeyedCommand keyed = KeyedCommand.newBuilder()
                .setKey(key)
                .setShard(shard.index())
                .setShardCount(r.map().shardCount())
                .setMapVersion(r.map().version())
                .setCommand(payload)
                .build();
        ReplicaClient client = r.shards().get(shard.index());
        CompletableFuture<ByteString> sent = command
                ? client.submitAsync(
                        ShardCommand.newBuilder().setKeyed(keyed).build().toByteString())
                : client.queryAsync(
                        ShardQuery.newBuilder().setKeyed(keyed).build().toByteString());
        long version = r.map().version();
        return sent.handle((bytes, error) -> {
                    if (error != null) {
                        Throwable cause = Causes.unwrapped(error);
                        if (cause instanceof GroupNotFoundException) {
                            // Moved or removed: a query is harmless to send again by a newer map; a command may have
                            // been applied before, so it fails, and the next call routes by the newer map.
                            if (!command) {
                                return reroute(version, key, payload, false, attempt, cause);
                            } else {
                                return refreshAsync()
                                        .handle((map, e) -> (ByteString) null)
                                        .thenCompose(x -> CompletableFuture.<ByteString>failedFuture(cause));
                            }
                        }
                        return CompletableFuture.<ByteString>failedFuture(cause);
                    }
                    ShardReply reply = ShardEndpoints.parseReply(bytes);
                    if (reply.hasReply()) {
                        return CompletableFuture.completedFuture(reply.getReply());
                    }
                    if (!reply.hasRefused()) {
                        return CompletableFuture.<ByteString>failedFuture(
                                new IllegalStateException("a shard answered a keyed " + (command ? "command" : "query")
                                        + " with " + reply.getKindCase()));
                    }
                    // Refused: nothing changed, so sending it again by a newer map is safe.
                    String refusal = "shard " + shard.index() + " refused key '" + key + "' routed by map version "
                            + version + ": " + reply.getRefused().getReason();
                    return reroute(version, key, payload, command, attempt, new WrongShardException(refusal));
                })
                .thenCompose(Function.identity());
    }

    /**
     * Sends again by a newer map; fails with {@code otherwise} if the placement group has no newer map than
     * {@code version} or the call has been routed often enough already.
     */
    private CompletableFuture<ByteString> reroute(
            long version, String key, ByteString payload, boolean command, int attempt, Throwable otherwise) {
        if (attempt + 1 >= MAX_ROUTES) {
            return CompletableFuture.failedFuture(otherwise);
        }
        return refreshAsync()
                .thenCompose(now -> now.version() > version
                        ? send(key, payload, command, attempt + 1)
                        : CompletableFuture.failedFuture(otherwise));
    }

    /** Reads the map from the placement group, and routes by it if it is newer; completes with the map routed by. */
    private CompletableFuture<ShardMap> refreshAsync() {
        return placement.queryAsync(ShardEndpoints.mapQuery()).thenApply(bytes -> adopt(ShardAdmin.toMap(bytes)));
    }

    private synchronized ShardMap adopt(ShardMap latest) {
        Routes current = routes;
        if (closed || latest.version() <= current.map().version()) {
            return current.map();
        }
        List<ReplicaClient> clients = new ArrayList<>();
        for (ShardMap.Shard s : latest.shards()) {
            ReplicaClient reused = null;
            if (s.index() < current.map().shardCount()) {
                ShardMap.Shard old = current.map().shards().get(s.index());
                if (old.group().equals(s.group()) && old.members().equals(s.members())) {
                    reused = current.shards().get(s.index());
                }
            }
            clients.add(reused != null ? reused : endpoints.client(s.group(), s.members()));
        }
        for (ReplicaClient old : current.shards()) {
            if (!clients.contains(old)) {
                retire(old);
            }
        }
        routes = new Routes(latest, List.copyOf(clients));
        return latest;
    }

    private void retire(ReplicaClient old) {
        retired.add(old);
        long later = 2 * endpoints.timeout().toMillis();
        CompletableFuture.runAsync(
                () -> {
                    synchronized (this) {
                        if (!retired.remove(old)) {
                            return; // closed with this client already
                        }
                    }
                    old.close();
                },
                CompletableFuture.delayedExecutor(later, TimeUnit.MILLISECONDS));
    }

    private static <R extends Message> R parse(ByteString bytes, Parser<R> parser) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new RatisSmException("the reply does not parse as the expected message type", e);
        }
    }

    private static ByteString join(CompletableFuture<ByteString> f) throws CommandRejected {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a reply", e);
        } catch (ExecutionException e) {
            Throwable cause = Causes.unwrapped(e);
            if (cause instanceof CommandRejected r) {
                throw r;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        }
    }

    /** Builds a {@link ShardedClient}. Required: {@link #peers}. */
    public static final class Builder {
        private final List<String> peers = new ArrayList<>();
        private String group = GroupSpec.DEFAULT_NAME;
        private Duration timeout = Duration.ofSeconds(30);
        private Tls tls;

        private Builder() {}

        /** The placement group's replicas, {@code id=host:port}, comma separated or one per argument. */
        public Builder peers(String... peers) {
            for (String p : peers) {
                this.peers.addAll(List.of(p.split(",")));
            }
            return this;
        }

        /** The placement group's name: the servers' own group (default {@code ratis-sm}). */
        public Builder group(String name) {
            this.group = name;
            return this;
        }

        /** How long one call may take on its shard, as {@link ReplicaClient.Builder#timeout} (default 30 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Mutual TLS, when the servers require it (default: plaintext). */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public ShardedClient build() {
            return new ShardedClient(new ShardEndpoints(group, peers, tls, timeout));
        }
    }
}
