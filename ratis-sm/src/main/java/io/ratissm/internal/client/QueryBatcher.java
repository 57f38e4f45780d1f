package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.QueryRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Sends concurrent queries to one target in batches ({@link Coalescer}): one read request, one ReadIndex round
 * and one evaluation on the same state for many queries. Every query in a batch started before the batch was
 * sent, so answering them all at one read index keeps each linearizable.
 */
public final class QueryBatcher {
    private final Sender<QueryRequest> sender;
    private final Coalescer coalescer;

    public QueryBatcher(Sender<QueryRequest> sender, QueuePolicy policy) {
        this.sender = sender;
        this.coalescer = new Coalescer(policy, this::dispatch);
    }

    /** @see Coalescer#add */
    public CompletableFuture<ByteString> query(ByteString query) {
        return coalescer.add(query);
    }

    /** Fails every query held; later calls fail at once. */
    public void close() {
        coalescer.close();
    }

    private CompletableFuture<?> dispatch(Coalescer.Batch batch) {
        QueryRequest.Builder request = QueryRequest.newBuilder();
        batch.requests().forEach(r -> request.addQueries(r.payload()));
        // A query changes nothing: once every caller of the batch has given up, no one needs its answer.
        CompletableFuture<Void> answered = sender.send(request.build(), batch::awaited)
                .handle((reply, error) -> {
                    for (int i = 0; i < batch.requests().size(); i++) {
                        Replies.complete(batch.requests().get(i).result(), reply, error, i);
                    }
                    return null;
                });
        CompletableFuture<?>[] callers =
                batch.requests().stream().map(Coalescer.Request::result).toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.anyOf(answered, CompletableFuture.allOf(callers));
    }
}
