package io.ratissm;

import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.client.CommandBatcher;
import io.ratissm.internal.client.QueryBatcher;
import io.ratissm.internal.client.Replies;
import io.ratissm.internal.client.Router;
import io.ratissm.internal.metrics.ClientMetrics;
import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.QueryRequest;
import io.ratissm.internal.tls.TlsCredentials;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * A client of one group. Commands are linearizable and applied exactly once: each command gets a sequence
 * number in this client's session, and the group remembers the reply until the client has seen it, so the
 * retries this client makes after a timeout or a leader change never apply a command twice.
 *
 * <p>Outcomes of a command call:
 * <ul>
 *   <li>a reply: the command was applied, exactly once;</li>
 *   <li>{@link CommandRejected} (or {@link MalformedCommand}, {@link CommandTooLarge}): refused, no effect;</li>
 *   <li>{@link UnavailableException}: no answer within the {@linkplain Builder#timeout timeout}; the command
 *       may or may not have been applied.</li>
 * </ul>
 * {@link #query} is linearizable (it reflects every command acknowledged before it started);
 * {@link #queryStale} reads one named replica's local state, which may lag.
 *
 * <p>{@link #metrics()} holds the client's request latencies, retries, failures and batch sizes, and its Ratis
 * client's gRPC message metrics.
 *
 * <p>Thread-safe; one client serves many threads. Close it to release its connections.
 */
public final class ReplicaClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RETRY_PAUSE_MILLIS = 100;

    private final GroupSpec group;
    private final RaftClient raft;
    private final Duration timeout;
    /** This client's session with the group: opened before its first command, replaced when the group forgets it. */
    private final AtomicReference<Session> session = new AtomicReference<>();
    private final CommandBatcher batcher;
    private final QueryBatcher queries;
    /** Stale reads per replica, batched like linearizable ones: each replica answers a batch on one state. */
    private final Map<String, QueryBatcher> staleQueries;
    private final ScheduledExecutorService retries;
    /**
     * The last failure of an attempt that Ratis retried by itself. A call that times out inside Ratis's retries
     * reports it if it happened during the call, so that a refused TLS handshake does not look like a merely
     * unreachable group.
     */
    private volatile AttemptFailure lastAttemptFailure;
    /** Where each attempt goes (commands and linearizable reads: the replica believed to lead). */
    private final Router router;

    private record AttemptFailure(Throwable cause, long atNanos) {
    }

    private record Session(ByteString id, CompletableFuture<Void> opened) {
    }
    private final MetricRegistry registry = new MetricRegistry();
    private final ClientMetrics metrics = new ClientMetrics(registry);
    private final RatisRegistries.Subscription ratisMetrics;

    private ReplicaClient(GroupSpec group, Duration timeout, int maxBatchCommands, long maxBatchBytes,
                          int maxBatchesInFlight, TlsCredentials tls) {
        this.group = group;
        this.timeout = timeout;
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        // This client routes and re-sends every request itself (see Router): Ratis makes one attempt per send.
        RetryPolicy noRetry = RetryPolicies.noRetry();
        RetryPolicy recorded = event -> {
            // "Closed" only says that this client replaced the connection (see Router); the failure before says why.
            if (event.getCause() != null && Router.cause(event.getCause(), AlreadyClosedException.class) == null) {
                lastAttemptFailure = new AttemptFailure(event.getCause(), System.nanoTime());
            }
            return noRetry.handleAttemptFailure(event);
        };
        // Before Ratis creates the client's first metric registry (see RatisRegistries for why).
        RatisRegistries.install();
        ClientId clientId = ClientId.randomId();
        this.ratisMetrics = RatisRegistries.subscribe(RatisRegistries.ofClient(clientId.toString()), registry);
        this.raft = RaftClient.newBuilder()
                .setClientId(clientId)
                .setRaftGroup(group.raftGroup())
                .setProperties(p)
                .setParameters(tls == null ? null : tls.ratisParameters())
                .setRetryPolicy(recorded)
                .setLeaderId(RaftPeerId.valueOf(Router.NO_LEADER_GUESS))
                .build();
        this.router = new Router(raft, group.addresses().keySet().stream().map(RaftPeerId::valueOf).toList());
        this.batcher = new CommandBatcher(this::sendBatch, maxBatchCommands, maxBatchBytes, maxBatchesInFlight);
        this.queries = new QueryBatcher(this::readBatch, maxBatchCommands, maxBatchBytes, maxBatchesInFlight);
        Map<String, QueryBatcher> stale = new HashMap<>();
        for (String replica : group.addresses().keySet()) {
            RaftPeerId peer = RaftPeerId.valueOf(replica);
            stale.put(replica, new QueryBatcher(batch -> readStaleBatch(batch, peer), maxBatchCommands, maxBatchBytes,
                    maxBatchesInFlight));
        }
        this.staleQueries = Map.copyOf(stale);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ratis-sm-client-retry");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.retries = timer;
    }

    /** Connects to the group named {@code ratis-sm} with replicas {@code "n1=host:port,n2=host:port,..."}. */
    public static ReplicaClient connect(String peers) {
        return builder().peers(peers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Submits a command and waits for its reply. */
    public ByteString submit(ByteString command) throws CommandRejected {
        return await(submitAsync(command));
    }

    /** Submits a command built from the state machine's Protobuf messages and parses the reply. */
    public <R extends Message> R submit(Message command, Parser<R> reply) throws CommandRejected {
        return parse(submit(command.toByteString()), reply);
    }

    /**
     * Submits a command without waiting. The future completes with the reply, or exceptionally with
     * {@link CommandRejected} or {@link UnavailableException} (see the class comment). Commands whose calls
     * overlap may be applied in either order; to order two commands, wait for the first one's reply.
     */
    public CompletableFuture<ByteString> submitAsync(ByteString command) {
        return metrics.submit(batcher.submit(command));
    }

    /** Sends a command under a given sequence number of this session, as a retry does. For tests. */
    CompletableFuture<ByteString> send(ByteString command, long seq) {
        return batcher.resend(seq, command);
    }

    /** Sends one batch of commands, in this client's session, until a definite answer or the timeout. */
    private CompletableFuture<BatchReply> sendBatch(CommandBatch batch) {
        metrics.commandBatch(batch.getCommandsCount());
        Session s = session();
        return s.opened().thenCompose(opened -> send(batch.toBuilder().setSession(s.id()).build()))
                .whenComplete((r, e) -> {
                    if (r != null && r.getOutcomesCount() > 0 && r.getOutcomes(0).hasUnknownSession()) {
                        session.compareAndSet(s, null); // forgotten by the group: the next batch opens a new one
                    }
                });
    }

    /** The current session, which a new client (or one whose session the group forgot) opens first. */
    private Session session() {
        while (true) {
            Session s = session.get();
            if (s != null) {
                return s;
            }
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            Session fresh = new Session(ByteString.copyFrom(id), new CompletableFuture<>());
            if (session.compareAndSet(null, fresh)) {
                send(CommandBatch.newBuilder().setSession(fresh.id()).setOpenSession(true).build())
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                session.compareAndSet(fresh, null); // not opened: the next batch tries again
                                fresh.opened().completeExceptionally(e);
                            } else {
                                fresh.opened().complete(null);
                            }
                        });
                return fresh;
            }
        }
    }

    private CompletableFuture<BatchReply> send(CommandBatch batch) {
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        return untilAnswered(() -> router.toLeader(RaftClientRequest.writeRequestType(), request), reply -> {
            BatchReply r = BatchReply.parseFrom(Bytes.content(reply.getMessage()));
            if (r.getOutcomesCount() > 0 && r.getOutcomes(0).hasRetry()) {
                throw new Replies.RetryRequested(r.getOutcomes(0).getRetry());
            }
            return r;
        });
    }

    /** A linearizable read: sees every command acknowledged before the call. */
    public ByteString query(ByteString query) throws CommandRejected {
        return await(queryAsync(query));
    }

    /**
     * A linearizable read without waiting. The future completes with the answer, or exceptionally with
     * {@link CommandRejected} or {@link UnavailableException}.
     */
    public CompletableFuture<ByteString> queryAsync(ByteString query) {
        return metrics.query(queries.query(query));
    }

    /** Sends one batch of linearizable queries until a definite answer or the timeout. */
    private CompletableFuture<BatchReply> readBatch(QueryRequest batch) {
        metrics.queryBatch(batch.getQueriesCount());
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        return untilAnswered(() -> router.toLeader(RaftClientRequest.readRequestType(), request),
                reply -> BatchReply.parseFrom(Bytes.content(reply.getMessage())));
    }

    public <R extends Message> R query(Message query, Parser<R> reply) throws CommandRejected {
        return parse(query(query.toByteString()), reply);
    }

    /**
     * Reads the local state of one replica, without asking the leader: fast, but it may miss recent commands.
     *
     * @throws IllegalArgumentException if the group has no replica with that id
     */
    public ByteString queryStale(ByteString query, String replicaId) throws CommandRejected {
        return await(queryStaleAsync(query, replicaId));
    }

    /**
     * Reads the local state of one replica without waiting; it may miss recent commands. Concurrent stale reads of
     * the same replica share requests, as linearizable ones do. The future completes with the answer, or
     * exceptionally with {@link CommandRejected} or {@link UnavailableException} (the replica is down or too slow).
     *
     * @throws IllegalArgumentException at once if the group has no replica with that id
     */
    public CompletableFuture<ByteString> queryStaleAsync(ByteString query, String replicaId) {
        QueryBatcher replica = staleQueries.get(replicaId);
        if (replica == null) {
            group.address(replicaId); // throws, naming the replicas there are
            throw new IllegalArgumentException("no replica " + replicaId);
        }
        return metrics.staleQuery(replica.query(query));
    }

    /** Sends one batch of stale queries to one replica until it answers or the timeout. */
    private CompletableFuture<BatchReply> readStaleBatch(QueryRequest batch, RaftPeerId replica) {
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        return untilAnswered(() -> router.to(replica, RaftClientRequest.staleReadRequestType(0), request),
                reply -> BatchReply.parseFrom(Bytes.content(reply.getMessage())));
    }

    public <R extends Message> R queryStale(Message query, String replicaId, Parser<R> reply)
            throws CommandRejected {
        return parse(queryStale(query.toByteString(), replicaId), reply);
    }

    /**
     * This client's metrics ({@code ratissm.client.*}: latency of submits and queries, retries, failures, batch
     * sizes; and Ratis's {@code ratis.client_message_metrics.*} of its connections). The README section "Metrics"
     * lists every name.
     */
    public MetricRegistry metrics() {
        return registry;
    }

    /** The ids of the group's replicas. */
    public List<String> replicaIds() {
        return new ArrayList<>(group.addresses().keySet());
    }

    @Override
    public void close() {
        retries.shutdownNow();
        router.close();
        try {
            raft.close();
        } catch (IOException e) {
            throw new RatisSmException("failed to close the client", e);
        } finally {
            ratisMetrics.close();
        }
    }

    private interface Decoder<T> {
        T decode(RaftClientReply reply) throws CommandRejected, InvalidProtocolBufferException;
    }

    /**
     * Sends until a definite answer, and gives up at the client's timeout even if an attempt is still under way (one
     * attempt may take up to Ratis's 3 s request timeout), so that the timeout bounds every call.
     */
    private <T> CompletableFuture<T> untilAnswered(Supplier<CompletableFuture<RaftClientReply>> send,
                                                   Decoder<T> decoder) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        if (!retries.isShutdown()) {
            ScheduledFuture<?> guard = retries.schedule(() -> {
                AttemptFailure failure = lastAttemptFailure;
                Throwable last = failure != null && failure.atNanos() - start >= 0 ? failure.cause() : null;
                result.completeExceptionally(new UnavailableException("no answer from group " + group.name()
                        + " within " + timeout.toMillis() + " ms" + (last == null ? "" : " (last error: "
                        + describe(last) + ")"), last));
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((r, e) -> guard.cancel(false));
        }
        retrying(send, deadline, result, decoder, false);
        return result;
    }

    /**
     * Sends until a definite answer or the deadline. Re-sending is safe: a command carries its session and
     * sequence number, so the group applies it at most once.
     */
    private <T> void retrying(Supplier<CompletableFuture<RaftClientReply>> send, long deadline,
                              CompletableFuture<T> result, Decoder<T> decoder, boolean redirected) {
        send.get().whenComplete((reply, error) -> {
            Throwable failure = error != null ? unwrap(error) : reply.getException();
            if (failure == null) {
                try {
                    result.complete(decoder.decode(reply));
                    return;
                } catch (Replies.RetryRequested e) {
                    failure = e; // not applied: send it again below
                } catch (CommandRejected | RuntimeException e) {
                    result.completeExceptionally(e);
                    return;
                } catch (InvalidProtocolBufferException e) {
                    result.completeExceptionally(new RatisSmException("unreadable reply from the group", e));
                    return;
                }
            }
            if (failure instanceof StateMachineException && failure.getCause() instanceof CommandRejected) {
                result.completeExceptionally(failure.getCause()); // refused before the log: no effect
            } else if (System.nanoTime() < deadline && !retries.isShutdown()) {
                metrics.resent();
                // Straight to a leader a replica named, but not twice in a row: during an election two replicas
                // may each name the other for a moment.
                boolean redirect = !redirected && Router.namesTheLeader(failure);
                retries.schedule(() -> retrying(send, deadline, result, decoder, redirect),
                        redirect ? 0 : RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                result.completeExceptionally(new UnavailableException("no answer from group " + group.name()
                        + " within " + timeout.toMillis() + " ms (last error: " + describe(failure) + ")", failure));
            }
        });
    }

    private static String describe(Throwable t) {
        if (t instanceof StateMachineException && t.getCause() instanceof ReplicaFailedException) {
            return t.getCause().getMessage();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                // Retrying does not cure a certificate problem; say where to look instead of only "unavailable".
                // The innermost cause is the specific one ("No subject alternative names..."), not "General ...".
                Throwable root = c;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return "TLS handshake failed: " + root.getMessage() + "; check that the replicas trust the CA of"
                        + " the client's certificate, that the client trusts theirs, and that each replica's"
                        + " certificate names the host it is reached at (" + t + ")";
            }
        }
        return String.valueOf(t);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static <T> T await(CompletableFuture<T> future) throws CommandRejected {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for the group", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CommandRejected r) {
                throw r;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new RatisSmException("unexpected failure", cause);
        }
    }

    private static <R extends Message> R parse(ByteString bytes, Parser<R> parser) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new RatisSmException("the reply does not parse as the expected message type", e);
        }
    }

    /** Builds a {@link ReplicaClient}. Required: {@link #peers}. */
    public static final class Builder {
        private final List<String> peers = new ArrayList<>();
        private String groupName = GroupSpec.DEFAULT_NAME;
        private Duration timeout = Duration.ofSeconds(30);
        // Ratis's cost is per log entry: fewer, larger entries beat more in flight (measured: 2 in flight gave
        // 1.2-2.5x the throughput of 8 or 16 at 128 outstanding commands on the 2-core test machine).
        private int maxBatchCommands = 1024;
        private long maxBatchBytes = 1 << 20;
        private int maxBatchesInFlight = 1;
        private Tls tls;

        private Builder() {
        }

        /**
         * How concurrent commands share log entries (and linearizable queries share read requests). A command is
         * sent at once while fewer than {@code inFlight} batches are outstanding (so a lone command never waits);
         * otherwise commands wait for one to complete and go together, up to {@code maxCommands} and
         * {@code maxBytes} per batch. Defaults: 1024 commands, 1 MiB, 1 batch in flight.
         * {@code batching(1, ..., n)} sends every command alone.
         *
         * <p>One batch in flight is the default because Ratis's cost is per log entry: on a 2-core machine with
         * fsynced logs, 16 B commands at 128 outstanding ran at 7.9k/s with one batch in flight against 5.5k/s with
         * two (1.08k/s against 0.69k/s at 16 outstanding), and batched linearizable reads at 113-128k/s against
         * 59-70k/s (same run; see bench/RESULTS.md). More batches in flight pay off only where a round trip costs
         * more than a log entry, e.g. over a slow network to a leader far away.
         */
        public Builder batching(int maxCommands, long maxBytes, int inFlight) {
            if (maxCommands < 1 || maxBytes < 1 || inFlight < 1) {
                throw new IllegalArgumentException("batching limits must be positive");
            }
            this.maxBatchCommands = maxCommands;
            this.maxBatchBytes = maxBytes;
            this.maxBatchesInFlight = inFlight;
            return this;
        }

        /** The group's replicas, {@code id=host:port}, comma separated or one per argument. */
        public Builder peers(String... peers) {
            this.peers.addAll(List.of(peers));
            return this;
        }

        public Builder peers(List<String> peers) {
            this.peers.addAll(peers);
            return this;
        }

        /** The group's name, as given to its servers (default {@code ratis-sm}). */
        public Builder group(String name) {
            this.groupName = name;
            return this;
        }

        /**
         * How long one call keeps trying (across leader changes) before it throws {@link UnavailableException}
         * (default 30 s).
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Connects with mutual TLS (default: plaintext), as the group's replicas require when they use TLS. The
         * replicas refuse the connection unless this client's certificate is signed by a CA they trust.
         */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /** @throws IllegalArgumentException if the peers are missing or not {@code id=host:port} */
        public ReplicaClient build() {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return new ReplicaClient(GroupSpec.parse(groupName, peers), timeout, maxBatchCommands, maxBatchBytes,
                    maxBatchesInFlight, tls == null ? null : tls.credentials());
        }
    }
}
