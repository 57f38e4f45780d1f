package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.QueryRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sends concurrent linearizable queries in batches ({@link Coalescer}): one read request, one ReadIndex round
 * and one evaluation on the same state for many queries. Every query in a batch started before the batch was
 * sent, so answering them all at one read index keeps each linearizable.
 */
public final class QueryBatcher {
    private record Pending(ByteString query, CompletableFuture<ByteString> result) {
    }

    private final Function<QueryRequest, CompletableFuture<BatchReply>> sender;
    private final Coalescer<Pending> coalescer;

    public QueryBatcher(Function<QueryRequest, CompletableFuture<BatchReply>> sender, int maxQueries, long maxBytes,
                        int maxInFlight) {
        this.sender = sender;
        this.coalescer = new Coalescer<>(maxQueries, maxBytes, p -> p.query().size(), maxInFlight, this::dispatch);
    }

    public CompletableFuture<ByteString> query(ByteString query) {
        return coalescer.add(ticket -> new Pending(query, new CompletableFuture<>())).result();
    }

    private CompletableFuture<?> dispatch(List<Pending> batch) {
        QueryRequest.Builder request = QueryRequest.newBuilder();
        batch.forEach(p -> request.addQueries(p.query()));
        return sender.apply(request.build()).handle((reply, error) -> {
            for (int i = 0; i < batch.size(); i++) {
                Replies.complete(batch.get(i).result(), reply, error, i);
            }
            return null;
        });
    }
}
