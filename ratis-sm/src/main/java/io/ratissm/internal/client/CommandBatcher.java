package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;

/**
 * Sends the commands of one client in batches ({@link Coalescer}): a command's ticket is its sequence number, so a
 * batch is a run of consecutive sequence numbers and a retry resends exactly that run; the group applies each
 * command once. Each command still gets its own outcome. The sender puts the batch in the client's session.
 */
public final class CommandBatcher {
    private record Pending(long seq, ByteString command, CompletableFuture<ByteString> result) {
    }

    private final Function<CommandBatch, CompletableFuture<BatchReply>> sender;
    private final Coalescer<Pending> coalescer;
    private final ConcurrentSkipListSet<Long> unanswered = new ConcurrentSkipListSet<>();

    public CommandBatcher(Function<CommandBatch, CompletableFuture<BatchReply>> sender, int maxCommands, long maxBytes,
                          int maxInFlight) {
        this.sender = sender;
        this.coalescer = new Coalescer<>(maxCommands, maxBytes, p -> p.command().size(), maxInFlight, this::dispatch);
    }

    public CompletableFuture<ByteString> submit(ByteString command) {
        return coalescer.add(seq -> {
            unanswered.add(seq);
            return new Pending(seq, command, new CompletableFuture<>());
        }).result();
    }

    /** Sends one command under an explicit sequence number, outside batching, as a retry does. For tests. */
    public CompletableFuture<ByteString> resend(long seq, ByteString command) {
        Pending p = new Pending(seq, command, new CompletableFuture<>());
        dispatch(List.of(p));
        return p.result();
    }

    private CompletableFuture<?> dispatch(List<Pending> batch) {
        Long lowest = unanswered.isEmpty() ? null : unanswered.first();
        CommandBatch.Builder b = CommandBatch.newBuilder().setFirstSeq(batch.get(0).seq())
                .setAckedBelow(lowest == null ? coalescer.nextTicket() : lowest);
        batch.forEach(p -> b.addCommands(p.command()));
        return sender.apply(b.build()).handle((reply, error) -> {
            if (error != null && batch.size() > 1 && unwrap(error) instanceof CommandRejected) {
                // One command was refused before the log, so none of the batch was applied: send each alone, so
                // that only the refused one fails.
                batch.forEach(p -> dispatch(List.of(p)));
                return null;
            }
            for (int i = 0; i < batch.size(); i++) {
                unanswered.remove(batch.get(i).seq());
                Replies.complete(batch.get(i).result(), reply, error, i);
            }
            return null;
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
