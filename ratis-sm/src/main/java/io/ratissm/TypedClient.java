package io.ratissm;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.ratissm.internal.Causes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A view of a {@link ReplicaClient} that sends commands of type {@code C} and queries of type {@code Q} only, made by
 * {@link ReplicaClient#typed}: a query cannot be sent as a command, which the untyped client cannot prevent (the bytes
 * of one message often parse as the other). Before its first request it asks the group what it runs
 * ({@link ReplicaClient#describe()}) and sends nothing unless the group's state machine advertises {@code C} and
 * {@code Q} (by full name): otherwise every call throws {@link SchemaMismatchException}. The group's answer, a match or
 * not, is kept for the life of this view; a check that got no answer is made again by the next call.
 *
 * <p>Outcomes, limits and threads are those of the {@link ReplicaClient} it was made from; closing that client ends
 * this view too. Replies are parsed with the {@link Parser} each call is given.
 *
 * @param <C> the state machine's command message
 * @param <Q> the state machine's query message
 */
public final class TypedClient<C extends Message, Q extends Message> {
    private final ReplicaClient client;
    private final Descriptor commandType;
    private final Descriptor queryType;
    /** The check under way or done; cleared when one gets no answer. */
    private final AtomicReference<CompletableFuture<GroupDescription>> checked = new AtomicReference<>();

    TypedClient(ReplicaClient client, Descriptor commandType, Descriptor queryType) {
        this.client = client;
        this.commandType = commandType;
        this.queryType = queryType;
    }

    /**
     * Checks the group's types now rather than at the first call, e.g. when an application starts.
     *
     * @return what the group runs
     * @throws SchemaMismatchException if it runs a state machine of other types, or of none declared
     * @throws UnavailableException    if no replica answered in time
     */
    public GroupDescription verify() {
        return ReplicaClient.awaitAnswer(check());
    }

    /** Submits a command, waits for its reply and parses it. See {@link ReplicaClient#submitAsync}. */
    public <R extends Message> R submit(C command, Parser<R> reply) throws CommandRejected {
        return ReplicaClient.await(submitAsync(command, reply));
    }

    /**
     * Submits a command without waiting; the future completes with its parsed reply, or exceptionally as
     * {@link ReplicaClient#submitAsync} does, or with {@link SchemaMismatchException} (nothing sent).
     */
    public <R extends Message> CompletableFuture<R> submitAsync(C command, Parser<R> reply) {
        return send(command, commandType, "command", client::submitAsync, reply);
    }

    /** A linearizable read, its answer parsed. See {@link ReplicaClient#query(com.google.protobuf.ByteString)}. */
    public <R extends Message> R query(Q query, Parser<R> reply) throws CommandRejected {
        return ReplicaClient.await(queryAsync(query, reply));
    }

    /** A linearizable read without waiting. See {@link ReplicaClient#queryAsync}. */
    public <R extends Message> CompletableFuture<R> queryAsync(Q query, Parser<R> reply) {
        return send(query, queryType, "query", client::queryAsync, reply);
    }

    /** A read of one replica's local state, which may lag. See {@link ReplicaClient#queryStaleAsync}. */
    public <R extends Message> R queryStale(Q query, String replicaId, Parser<R> reply) throws CommandRejected {
        return ReplicaClient.await(
                send(query, queryType, "query", bytes -> client.queryStaleAsync(bytes, replicaId), reply));
    }

    /** Sends {@code message} with {@code sender} once the group's types are checked, and parses the reply. */
    private <R extends Message> CompletableFuture<R> send(
            Message message,
            Descriptor type,
            String what,
            Function<ByteString, CompletableFuture<ByteString>> sender,
            Parser<R> reply) {
        ofType(message, type, what);
        return check().thenCompose(ok -> sender.apply(message.toByteString()))
                .thenApply(bytes -> ReplicaClient.parse(bytes, reply));
    }

    /** The untyped client this view sends through. */
    public ReplicaClient untyped() {
        return client;
    }

    /** Guards against a caller that erased the type parameters (a raw type or an unchecked cast). */
    private static void ofType(Message message, Descriptor expected, String what) {
        if (message.getDescriptorForType() != expected) {
            throw new IllegalArgumentException("this client sends " + what + "s of type " + expected.getFullName()
                    + ", not " + message.getDescriptorForType().getFullName() + "; nothing was sent");
        }
    }

    /** The check: one at a time, kept unless it got no answer (then the next call asks again). */
    private CompletableFuture<GroupDescription> check() {
        CompletableFuture<GroupDescription> pending = new CompletableFuture<>();
        CompletableFuture<GroupDescription> earlier = checked.compareAndExchange(null, pending);
        if (earlier != null) {
            return earlier;
        }
        client.describeAsync().thenApply(this::matching).whenComplete((group, failure) -> {
            if (failure != null && !(Causes.unwrapped(failure) instanceof SchemaMismatchException)) {
                checked.compareAndSet(pending, null);
            }
            if (failure != null) {
                pending.completeExceptionally(Causes.unwrapped(failure));
            } else {
                pending.complete(group);
            }
        });
        return pending;
    }

    private GroupDescription matching(GroupDescription group) {
        boolean matches = group.schema()
                .filter(s -> s.commandType().getFullName().equals(commandType.getFullName())
                        && s.queryType().getFullName().equals(queryType.getFullName()))
                .isPresent();
        if (!matches) {
            throw new SchemaMismatchException(group, commandType.getFullName(), queryType.getFullName());
        }
        return group;
    }
}
