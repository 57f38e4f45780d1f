package io.ratissm.internal.client;

import io.ratissm.internal.proto.BatchReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Sends one batch request to the group and tries again after failed or unanswered attempts, for as long as
 * {@code stillWanted} says so (and the client is open). The future completes with the group's reply, or
 * exceptionally with a refusal (the request was not applied) or with the last error once it stops trying.
 *
 * @param <R> the request message
 */
@FunctionalInterface
public interface Sender<R> {
    CompletableFuture<BatchReply> send(R request, BooleanSupplier stillWanted);
}
