package io.ratissm;

import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.internal.BatchTooLargeException;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.Causes;
import io.ratissm.internal.CommonPool;
import io.ratissm.internal.Descriptions;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.client.CommandBatcher;
import io.ratissm.internal.client.FailStops;
import io.ratissm.internal.client.PendingLimit;
import io.ratissm.internal.client.QueryBatcher;
import io.ratissm.internal.client.QueuePolicy;
import io.ratissm.internal.client.RaftClientFactory;
import io.ratissm.internal.client.RefusalRound;
import io.ratissm.internal.client.Replies;
import io.ratissm.internal.client.RetryPause;
import io.ratissm.internal.client.Router;
import io.ratissm.internal.client.SessionForgotten;
import io.ratissm.internal.client.Unanswered;
import io.ratissm.internal.metrics.ClientMetrics;
import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.QueryRequest;
import io.ratissm.internal.proto.StateMachineDescription;
import io.ratissm.internal.tls.TlsCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;

/**
 * A client of one group. Commands are linearizable and applied exactly once: each command gets a sequence
 * number in this client's session, and the group remembers the reply until the client has seen it, so the
 * retries this client makes after a timeout or a leader change never apply a command twice.
 *
 * <p>Outcomes of a command call:
 * <ul>
 *   <li>a reply: the command was applied, exactly once;</li>
 *   <li>{@link CommandRejected} (or {@link MalformedCommand}, {@link CommandTooLarge}): refused, no effect;</li>
 *   <li>{@link UnavailableException}: no answer within the {@linkplain Builder#timeout timeout}. If the command
 *       was sent, it may or may not have been applied; if it was still queued in this client, it was dropped and
 *       not applied (the message says which);</li>
 *   <li>{@link ConnectionRefusedException} (an {@link UnavailableException}): every replica refused the connection,
 *       each in turn, before any answered: nothing accepts connections at the addresses given (no replica runs
 *       there, or their Raft servers stopped). Thrown after that one round instead of at the timeout; nothing was
 *       sent, so the command was not applied;</li>
 *   <li>{@link FailStoppedException} (an {@link UnavailableException}): the replicas are fail-stopped by a bug in the
 *       state machine, and none can serve; the message names each one's exception and log index. Thrown as soon as
 *       the leader says so; {@link FailStoppedException#outcomeUnknown()} tells whether the command may be in the
 *       log (then a restart with a fixed state machine applies it, once) or was refused before it;</li>
 *   <li>{@link GroupNotFoundException}: every replica answered that it serves no group of the client's name, each
 *       in turn; the message names the groups they serve. Thrown after that one round; no replica of the group saw
 *       the command, so it was not applied;</li>
 *   <li>{@link QueueFullException}, thrown by the call itself: the client already held its
 *       {@linkplain Builder#maxPending limit}; the command was not sent.</li>
 * </ul>
 * {@link #query} is linearizable (it reflects every command acknowledged before it started);
 * {@link #queryStale} reads one named replica's local state, which may lag.
 *
 * <p>Commands and queries are bytes here, and nothing checks that they are of the group's types: the bytes of one
 * Protobuf message often parse as another. {@link #typed} gives a view that sends only the state machine's own command
 * and query types, to a group that advertises them; {@link #describe()} says what a group runs.
 *
 * <p>Limits, all per client:
 * <ul>
 *   <li>Every call ends within its {@linkplain Builder#timeout timeout} from the call (default 30 s; plus
 *       scheduling slack), also if it waited in the client's queue or for room.</li>
 *   <li>Pending requests, from the call to the outcome: commands (queued or sent) at most 16,384 and 32 MiB,
 *       queries likewise, each kind on its own ({@link Builder#maxPending}). Past that a call throws
 *       {@link QueueFullException} at once, or waits for room if {@link Builder#blockWhenFull} is set.</li>
 *   <li>Batches: at most 1,024 requests and 1 MiB each, 1 batch in flight for commands, for linearizable
 *       queries and for stale queries of each replica ({@link Builder#batching}). A batch of commands that the
 *       group refuses as larger than its largest log entry (4 MiB with the default {@code maxCommandBytes}) is
 *       split, and later batches are kept under it.</li>
 * </ul>
 * A command whose timeout passed after it was sent stays held (it counts against the limit, and later commands of
 * the client queue behind it if all batches in flight are taken) until the group answers: the group keeps the
 * replies of commands whose outcome this client has not seen, and only this keeps their number bounded.
 *
 * <p>{@link #close()} ends every pending call at once with {@link UnavailableException} (saying whether the
 * request was sent), wakes calls waiting for room, and makes every later call throw {@link IllegalStateException}.
 *
 * <p>{@link #metrics()} holds the client's request latencies, retries, failures and batch sizes, and its Ratis
 * client's gRPC message metrics.
 *
 * <p>Thread-safe; one client serves many threads. Close it to release its connections.
 */
public final class ReplicaClient implements AutoCloseable {
    static {
        // Before anything of Ratis runs: see CommonPool.
        CommonPool.ensureParallel();
    }

    /** How long one attempt at one replica may take; a call's own timeout bounds its attempts together. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

    private static final int DEFAULT_MAX_PENDING_REQUESTS = 16_384;
    private static final long DEFAULT_MAX_PENDING_BYTES = 32L << 20;

    private final GroupSpec group;
    private final RaftClient raft;
    private final Duration timeout;
    private final CommandBatcher batcher;
    private final QueryBatcher queries;
    /** Stale reads per replica, batched like linearizable ones: each replica answers a batch on one state. */
    private final Map<String, QueryBatcher> staleQueries;

    private final PendingLimit pendingCommands;
    /** Shared by linearizable and stale queries. */
    private final PendingLimit pendingQueries;
    /** Runs each call's timeout and the pauses between attempts. */
    private final ScheduledExecutorService timer;

    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * The last failure of an attempt. A call that times out reports it if it happened during the call, so that a
     * refused TLS handshake does not look like a merely unreachable group.
     */
    private volatile AttemptFailure lastAttemptFailure;
    /** Where each attempt goes (commands and linearizable reads: the replica believed to lead). */
    private final Router router;

    private record AttemptFailure(Throwable cause, long atNanos) {}

    private final MetricRegistry registry = new MetricRegistry();
    private final ClientMetrics metrics = new ClientMetrics(registry);
    private final RatisRegistries.Subscription ratisMetrics;
    /** No TLS: a group that requires it closes the connections, which {@link #describe} then hints at. */
    private final boolean plaintext;

    private ReplicaClient(Builder settings, GroupSpec group, TlsCredentials tls) {
        this.group = group;
        this.plaintext = tls == null;
        this.timeout = settings.timeout;
        // This client routes and re-sends every request itself (see Router): Ratis makes one attempt per send.
        RetryPolicy noRetry = RetryPolicies.noRetry();
        RetryPolicy recorded = event -> {
            noteFailure(event.getCause());
            return noRetry.handleAttemptFailure(event);
        };
        ClientId clientId = ClientId.randomId();
        this.ratisMetrics = RatisRegistries.subscribe(RatisRegistries.ofClient(clientId.toString()), registry);
        this.raft = new RaftClientFactory(ATTEMPT_TIMEOUT, recorded, tls)
                .newRaftClient(group.raftGroup(), clientId, RaftPeerId.valueOf(Router.NO_LEADER_GUESS));
        this.router = new Router(
                raft,
                group.addresses().keySet().stream().map(RaftPeerId::valueOf).toList());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ratis-sm-client-timer");
            t.setDaemon(true);
            return t;
        });
        // Every call has a timeout task, cancelled when the call ends: cancelled ones must not pile up.
        timer.setRemoveOnCancelPolicy(true);
        this.timer = timer;
        this.pendingCommands = new PendingLimit(
                "commands", settings.maxPendingRequests, settings.maxPendingBytes, settings.blockWhenFull);
        this.pendingQueries = new PendingLimit(
                "queries", settings.maxPendingRequests, settings.maxPendingBytes, settings.blockWhenFull);
        this.batcher = new CommandBatcher(
                this::sendBatch,
                queuePolicy(
                        settings,
                        pendingCommands,
                        (calledNanos, sent, closedNow) -> unanswered(
                                calledNanos,
                                closedNow,
                                sent
                                        ? "the command was sent; its outcome is unknown"
                                        : "the command was still queued in this client and was never sent, so it was not applied")));
        QueuePolicy queryPolicy = queuePolicy(
                settings,
                pendingQueries,
                (calledNanos, sent, closedNow) -> unanswered(
                        calledNanos,
                        closedNow,
                        sent ? "the query was sent" : "the query was still queued in this client and was never sent"));
        this.queries = new QueryBatcher(this::readBatch, queryPolicy);
        Map<String, QueryBatcher> stale = new HashMap<>();
        for (String replica : group.addresses().keySet()) {
            RaftPeerId peer = RaftPeerId.valueOf(replica);
            stale.put(replica, new QueryBatcher((batch, wanted) -> readStaleBatch(batch, peer, wanted), queryPolicy));
        }
        this.staleQueries = Map.copyOf(stale);
        metrics.pending(pendingCommands::requests, pendingQueries::requests);
    }

    private QueuePolicy queuePolicy(Builder settings, PendingLimit limit, Unanswered unanswered) {
        return new QueuePolicy(
                settings.maxBatchCommands,
                settings.maxBatchBytes,
                settings.maxBatchesInFlight,
                limit,
                timeout,
                timer,
                unanswered);
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
     * {@link CommandRejected} or {@link UnavailableException} (see the class comment), within the timeout. Commands
     * whose calls overlap may be applied in either order; to order two commands, wait for the first one's reply.
     *
     * @throws QueueFullException    at once if the client holds its limit of pending commands (or, with
     *                               {@link Builder#blockWhenFull}, if no room was freed within the timeout); the
     *                               command was not sent
     * @throws IllegalStateException if the client is closed
     */
    public CompletableFuture<ByteString> submitAsync(ByteString command) {
        return metrics.submit(admitted(() -> batcher.submit(command)));
    }

    /** Sends a command under a given sequence number of this session, as a retry does. For tests. */
    CompletableFuture<ByteString> send(ByteString command, long seq) {
        return batcher.resend(seq, command);
    }

    /** Sends one batch of commands until a definite answer (or {@code wanted} says to stop). */
    private CompletableFuture<BatchReply> sendBatch(CommandBatch batch, BooleanSupplier wanted) {
        if (batch.getCommandsCount() > 0) {
            metrics.commandBatch(batch.getCommandsCount());
        }
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        AtomicInteger attempts = new AtomicInteger();
        return untilAnswered(
                round -> {
                    attempts.incrementAndGet();
                    return router.toLeader(RaftClientRequest.writeRequestType(), request, round);
                },
                wanted,
                "command",
                reply -> {
                    BatchReply r = BatchReply.parseFrom(Bytes.content(reply.getMessage()));
                    if (r.getOutcomesCount() > 0 && r.getOutcomes(0).hasRetry()) {
                        throw new Replies.RetryRequested(r.getOutcomes(0).getRetry());
                    }
                    if (r.getOutcomesCount() > 0 && r.getOutcomes(0).hasUnknownSession()) {
                        throw new SessionForgotten(
                                attempts.get() == 1, r.getOutcomes(0).getUnknownSession());
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
     * {@link CommandRejected} or {@link UnavailableException}, within the timeout.
     *
     * @throws QueueFullException    at once if the client holds its limit of pending queries
     * @throws IllegalStateException if the client is closed
     */
    public CompletableFuture<ByteString> queryAsync(ByteString query) {
        return metrics.query(admitted(() -> queries.query(query)));
    }

    /** Sends one batch of linearizable queries until a definite answer or {@code wanted} says to stop. */
    private CompletableFuture<BatchReply> readBatch(QueryRequest batch, BooleanSupplier wanted) {
        metrics.queryBatch(batch.getQueriesCount());
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        return untilAnswered(
                round -> router.toLeader(RaftClientRequest.readRequestType(), request, round),
                wanted,
                "query",
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
     * @throws QueueFullException       at once if the client holds its limit of pending queries
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<ByteString> queryStaleAsync(ByteString query, String replicaId) {
        QueryBatcher replica = staleQueries.get(replicaId);
        if (replica == null) {
            group.address(replicaId); // throws, naming the replicas there are
            throw new IllegalArgumentException("no replica " + replicaId);
        }
        return metrics.staleQuery(admitted(() -> replica.query(query)));
    }

    /** Sends one batch of stale queries to one replica until it answers or {@code wanted} says to stop. */
    private CompletableFuture<BatchReply> readStaleBatch(
            QueryRequest batch, RaftPeerId replica, BooleanSupplier wanted) {
        org.apache.ratis.protocol.Message request = Bytes.message(batch);
        // One replica asked: its refusal may be a restart, and no other replica could answer instead.
        return untilAnswered(
                round -> router.to(replica, Router.LOCAL_READ, request),
                wanted,
                null,
                reply -> BatchReply.parseFrom(Bytes.content(reply.getMessage())));
    }

    /**
     * What the group runs: its state machine's class and the message types it declares ({@link StateMachine#schema()}),
     * rebuilt from the descriptors a replica sent, so that no class of the state machine is needed here. Asked of the
     * replicas in turn until one answers (any replica that is up knows, in either mode), not as a linearizable read:
     * it is a property of the code the replicas run, not of their state.
     *
     * @throws UnavailableException if no replica answered within the timeout ({@link ConnectionRefusedException},
     *                              {@link GroupNotFoundException} as for a query)
     * @throws RatisSmException     if the types sent cannot be rebuilt
     */
    public GroupDescription describe() {
        return awaitAnswer(describeAsync());
    }

    /** {@link #describe()} without waiting. */
    CompletableFuture<GroupDescription> describeAsync() {
        if (closed.get()) {
            throw new IllegalStateException("the client is closed");
        }
        long calledNanos = System.nanoTime();
        AtomicBoolean over = new AtomicBoolean();
        org.apache.ratis.protocol.Message request =
                Bytes.message(QueryRequest.newBuilder().setDescribe(true).build());
        // A read of the local state (Router.LOCAL_READ): any replica answers it from what it runs, and one that fails
        // sends the next attempt to the next replica.
        CompletableFuture<GroupDescription> described = untilAnswered(
                round -> router.toLeader(Router.LOCAL_READ, request, round),
                () -> !over.get() && !closed.get(),
                "request",
                reply -> Descriptions.read(
                        group.name(), StateMachineDescription.parseFrom(Bytes.content(reply.getMessage()))));
        String outcome = "asking for a description changes nothing";
        try {
            ScheduledFuture<?> deadline = timer.schedule(
                    () -> {
                        over.set(true);
                        described.completeExceptionally(unanswered(calledNanos, closed.get(), outcome));
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            described.whenComplete((answer, failure) -> deadline.cancel(false));
        } catch (RejectedExecutionException closing) {
            described.completeExceptionally(unanswered(calledNanos, true, outcome));
        }
        return described;
    }

    /**
     * A view of this client that sends commands of type {@code C} and queries of type {@code Q} only, and only to a
     * group whose state machine advertises those types (see {@link TypedClient}): a query cannot go as a command, nor
     * a command to a group of another state machine.
     *
     * @param commandType the state machine's command message, a generated class (e.g. {@code KvCommand.class})
     * @param queryType   its query message
     * @throws IllegalArgumentException if either is not a generated Protobuf message class
     */
    public <C extends Message, Q extends Message> TypedClient<C, Q> typed(Class<C> commandType, Class<Q> queryType) {
        return new TypedClient<>(this, typeOf(commandType), typeOf(queryType));
    }

    private static Descriptors.Descriptor typeOf(Class<? extends Message> type) {
        try {
            return Internal.getDefaultInstance(type).getDescriptorForType();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    type.getName() + " is not a generated Protobuf message class (it has no default instance)", e);
        }
    }

    /** A call the client's limit let in; a refusal is counted. */
    private CompletableFuture<ByteString> admitted(Supplier<CompletableFuture<ByteString>> call) {
        try {
            return call.get();
        } catch (QueueFullException e) {
            metrics.full();
            throw e;
        }
    }

    public <R extends Message> R queryStale(Message query, String replicaId, Parser<R> reply) throws CommandRejected {
        return parse(queryStale(query.toByteString(), replicaId), reply);
    }

    /**
     * This client's metrics ({@code ratissm.client.*}: latency of submits and queries, retries, failures, batch
     * sizes; and Ratis's {@code ratis.client_message_metrics.*} of its connections). ratis-sm's names are
     * {@link MetricNames.Client}; ratis-sm/OPERATIONS.md, section "Metrics", explains them.
     */
    public MetricRegistry metrics() {
        return registry;
    }

    /** The ids of the group's replicas. */
    public List<String> replicaIds() {
        return new ArrayList<>(group.addresses().keySet());
    }

    /**
     * Ends every pending call with {@link UnavailableException} (a request still queued was never sent; a command
     * that was sent may have been applied), wakes calls waiting for room ({@link IllegalStateException}), and
     * releases the connections. Later calls throw {@link IllegalStateException}. Closing again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pendingCommands.close();
        pendingQueries.close();
        // Before the retries stop: every caller learns "closed", not the last error of an abandoned retry.
        batcher.close();
        queries.close();
        staleQueries.values().forEach(QueryBatcher::close);
        timer.shutdownNow();
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
     * Sends until a definite answer, for as long as {@code wanted} says so and the client is open. Re-sending is
     * safe: a command carries its session and sequence number, so the group applies it at most once. The callers'
     * timeouts are not this loop's business: each call has its own (see Coalescer).
     *
     * @param kind "command", "query" or "request", for the message of a request that every replica turned away
     *             (see {@link RefusalRound}); null to keep trying then too
     */
    private <T> CompletableFuture<T> untilAnswered(
            Function<RefusalRound, CompletableFuture<RaftClientReply>> send,
            BooleanSupplier wanted,
            String kind,
            Decoder<T> decoder) {
        CompletableFuture<T> result = new CompletableFuture<>();
        RefusalRound round = new RefusalRound();
        FailStops failStops = new FailStops(kind == null ? "query" : kind, kind == null);
        retrying(() -> send.apply(round), wanted, result, decoder, false, kind == null ? null : round, kind, failStops);
        return result;
    }

    private <T> void retrying(
            Supplier<CompletableFuture<RaftClientReply>> send,
            BooleanSupplier wanted,
            CompletableFuture<T> result,
            Decoder<T> decoder,
            boolean redirected,
            RefusalRound round,
            String kind,
            FailStops failStops) {
        CompletableFuture<RaftClientReply> attempt;
        try {
            attempt = send.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e); // a failed attempt like any other: the batch must go on
        }
        attempt.whenComplete((reply, error) -> {
            Throwable failure = error != null ? Causes.unwrapped(error) : reply.getException();
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
            if (failure instanceof StateMachineException
                    && (failure.getCause() instanceof CommandRejected
                            || failure.getCause() instanceof BatchTooLargeException)) {
                result.completeExceptionally(failure.getCause()); // refused before the log: no effect
                return;
            }
            noteFailure(failure);
            Optional<FailStoppedException> failStopped = failStops.note(failure);
            if (failStopped.isPresent()) {
                result.completeExceptionally(failStopped.get()); // nothing will serve it until a restart
                return;
            }
            Optional<RefusalRound.Turned> refused =
                    round == null ? Optional.empty() : round.refusedByAll(router.members());
            if (refused.isPresent()) {
                turnedAwayByAll(refused.get(), kind, failure)
                        .whenComplete((e, unexpected) -> result.completeExceptionally(e != null ? e : unexpected));
                return;
            }
            if (wanted.getAsBoolean()) {
                // Straight to a leader a replica named, but not twice in a row: during an election two replicas
                // may each name the other for a moment.
                boolean redirect = !redirected && Router.namesTheLeader(failure);
                try {
                    timer.schedule(
                            () -> retrying(send, wanted, result, decoder, redirect, round, kind, failStops),
                            redirect ? 0 : RetryPause.PAUSE.toMillis(),
                            TimeUnit.MILLISECONDS);
                    metrics.resent();
                    return;
                } catch (RejectedExecutionException closing) {
                    // the client is closed: below
                }
            }
            result.completeExceptionally(new UnavailableException(
                    "the group " + group.name() + " gave no answer" + " before the client stopped asking (last error: "
                            + describe(failure) + ")",
                    failure));
        });
    }

    /**
     * The failure of a request that every replica turned away, each in turn: {@link ConnectionRefusedException} if
     * every one refused the connection, else {@link GroupNotFoundException} naming the groups they serve.
     */
    private CompletableFuture<RatisSmException> turnedAwayByAll(
            RefusalRound.Turned refused, String kind, Throwable last) {
        String notApplied = kind.equals("command") ? ", so it was not applied" : "";
        if (refused.how() == RefusalRound.Refusal.CONNECTION) {
            return CompletableFuture.completedFuture(new ConnectionRefusedException(
                    "every replica of group " + group.name() + " refused the connection (Connection refused: "
                            + at(refused.replicas())
                            + "): nothing accepts connections there: no replica is running, the addresses are wrong, or "
                            + "the replicas' Raft servers stopped; "
                            + "the " + kind + " was never sent" + notApplied,
                    refused.replicas().stream().map(this::address).toList(),
                    last));
        }
        Map<RaftPeerId, CompletableFuture<List<RaftGroupId>>> served = new LinkedHashMap<>();
        refused.replicas().forEach(id -> served.put(id, router.groupsServedBy(id)));
        return CompletableFuture.allOf(served.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    StringBuilder m = new StringBuilder("no replica serves a group named '" + group.name() + "': ");
                    served.forEach((id, groups) -> m.append(at(List.of(id)))
                            .append(" serves ")
                            .append(groupNames(groups.join()))
                            .append("; "));
                    m.append("check the group name (the servers' group setting) and the addresses; ")
                            .append("no replica of the group saw the " + kind + notApplied);
                    return new GroupNotFoundException(m.toString(), last);
                });
    }

    /** {@code n1 at host:port, n2 at ...}. */
    private String at(List<RaftPeerId> replicas) {
        return String.join(
                ", ", replicas.stream().map(id -> id + " at " + address(id)).toList());
    }

    private String address(RaftPeerId replica) {
        return group.addresses().getOrDefault(replica.toString(), "an address the group reported");
    }

    /**
     * The groups a replica said it serves, by name where the name is known: a group's id is derived from its name and
     * cannot be read back, so only the default name is recognised; others are given by id.
     */
    private static String groupNames(List<RaftGroupId> groups) {
        if (groups.isEmpty()) {
            return "no group it would name";
        }
        RaftGroupId byDefault = GroupSpec.groupIdOf(GroupSpec.DEFAULT_NAME);
        return "group "
                + String.join(
                        ", ",
                        groups.stream()
                                .map(g -> g.equals(byDefault)
                                        ? "'" + GroupSpec.DEFAULT_NAME + "'"
                                        : "of another name (id " + g.getUuid() + ")")
                                .toList());
    }

    /** Remembers why an attempt failed, for the message of a call that then times out. */
    private void noteFailure(Throwable failure) {
        // "Closed" only says that this client replaced the connection (see Router); the failure before says why.
        if (failure != null
                && Causes.find(failure, AlreadyClosedException.class).isEmpty()) {
            lastAttemptFailure = new AttemptFailure(failure, System.nanoTime());
        }
    }

    /** The failure of a call that got no answer: the client closed, or its timeout passed. */
    private UnavailableException unanswered(long calledNanos, boolean closedNow, String outcome) {
        if (closedNow) {
            return new UnavailableException(
                    "the client was closed before the group " + group.name() + " answered: " + outcome, null);
        }
        AttemptFailure failure = lastAttemptFailure;
        Throwable last = failure != null && failure.atNanos() - calledNanos >= 0 ? failure.cause() : null;
        return new UnavailableException(
                "no answer from group " + group.name() + " within " + timeout.toMillis() + " ms of the call: " + outcome
                        + (last == null ? "" : " (last error: " + describe(last) + ")"),
                last);
    }

    private String describe(Throwable t) {
        if (t instanceof StateMachineException && t.getCause() instanceof ReplicaFailedException) {
            return t.getCause().getMessage();
        }
        for (Throwable c : Causes.chain(t)) {
            if (plaintext && closedBeforeAnyAnswer(c)) {
                // What a TLS replica does to a plaintext connection; a replica that went down can look the same.
                return t + "; the group may require TLS: this client connects in plaintext. Give it its certificate,"
                        + " key and trusted CAs (ReplicaClient.Builder.tls; on the command line --tls-cert, --tls-key"
                        + " and --tls-trust), see OPERATIONS.md, 'TLS'";
            }
            if (c instanceof SSLException) {
                // Retrying does not cure a certificate problem; say where to look instead of only "unavailable".
                // The innermost cause is the specific one ("No subject alternative names..."), not "General ...".
                return "TLS handshake failed: " + Causes.root(c).getMessage()
                        + "; check that the replicas trust the CA of"
                        + " the client's certificate, that the client trusts theirs, and that each replica's"
                        + " certificate names the host it is reached at (" + t + ")";
            }
        }
        return String.valueOf(t);
    }

    /** gRPC's report of a connection that the other end closed without a word, as a TLS server closes plaintext. */
    private static boolean closedBeforeAnyAnswer(Throwable t) {
        if (!(t instanceof StatusRuntimeException)) {
            return false;
        }
        Status status = ((StatusRuntimeException) t).getStatus();
        return status.getCode() == Status.Code.UNAVAILABLE
                && "Network closed for unknown reason".equals(status.getDescription());
    }

    /** {@link #await} of a request the group never refuses, such as a description. */
    static <T> T awaitAnswer(CompletableFuture<T> future) {
        try {
            return await(future);
        } catch (CommandRejected e) {
            throw new RatisSmException("unexpected refusal: " + e.getMessage(), e);
        }
    }

    static <T> T await(CompletableFuture<T> future) throws CommandRejected {
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

    static <R extends Message> R parse(ByteString bytes, Parser<R> parser) {
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
        // One batch in flight measured best: Ratis's cost is per log entry, and two in flight ran at 0.52-0.75x the
        // throughput of one (see batching, and bench/RESULTS.md, "One batch in flight or two").
        private int maxBatchCommands = 1024;
        private long maxBatchBytes = 1 << 20;
        private int maxBatchesInFlight = 1;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
        private boolean blockWhenFull;
        private Tls tls;

        private Builder() {}

        /**
         * How concurrent commands share log entries (and linearizable queries share read requests). A command is
         * sent at once while fewer than {@code inFlight} batches are outstanding (so a lone command never waits);
         * otherwise commands wait for one to complete and go together, up to {@code maxCommands} and
         * {@code maxBytes} per batch (as sent: each command with its 2 to 6 bytes of framing). Defaults: 1024
         * commands, 1 MiB, 1 batch in flight. {@code batching(1, ..., n)} sends every command alone.
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

        /**
         * How much the client holds at most: commands from the call until their outcome (queued, or sent and not
         * yet answered), at most {@code requests} of them and {@code bytes} of command bytes; and queries
         * (linearizable and stale together) likewise, each kind on its own. Defaults: 16,384 and 32 MiB. Past
         * that a call throws {@link QueueFullException} at once (the request was not sent), or waits for room if
         * {@link #blockWhenFull} is set. A request larger than {@code bytes} is let in when nothing else of its
         * kind is pending.
         *
         * <p>Without a limit a client whose group is unreachable queues every call until it times out, and its
         * memory grows with the call rate. The defaults are 16 full batches of the default size (1,024 requests or
         * 1 MiB each), far more than is needed to keep the group busy: calls fail fast only once the group has
         * fallen behind by that much, and the client then holds at most 32 MiB of requests of each kind.
         */
        public Builder maxPending(int requests, long bytes) {
            if (requests < 1 || bytes < 1) {
                throw new IllegalArgumentException(
                        "the pending limits must be positive, were " + requests + " requests and " + bytes + " bytes");
            }
            this.maxPendingRequests = requests;
            this.maxPendingBytes = bytes;
            return this;
        }

        /**
         * Whether a call that finds the client holding its {@linkplain #maxPending limit} waits for room (until
         * another request leaves the client, the call's timeout passes, or the client closes) instead of throwing
         * {@link QueueFullException} at once (default: throw at once). The wait counts against the call's timeout;
         * if no room was freed in time the call throws {@link QueueFullException}, and if the client closes it
         * throws {@link IllegalStateException}. The thread calling {@code submitAsync} waits too.
         */
        public Builder blockWhenFull(boolean block) {
            this.blockWhenFull = block;
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
         * How long one call may take, from the call (time in the client's queue or waiting for room included),
         * trying across leader changes, before it ends with {@link UnavailableException} (default 30 s).
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
            return new ReplicaClient(this, GroupSpec.parse(groupName, peers), tls == null ? null : tls.credentials());
        }
    }
}
