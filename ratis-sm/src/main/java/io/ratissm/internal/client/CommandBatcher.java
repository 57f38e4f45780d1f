package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Coalesces the concurrent commands of one client session into batches, so that many commands share one Raft log
 * entry: Ratis's cost is per entry, not per command.
 *
 * <p>A batch is sent at once when fewer than {@code maxInFlight} batches are outstanding; otherwise commands
 * queue until one completes, and then go together (up to {@code maxCommands} and {@code maxBytes}). So a lone
 * command never waits, and under load batches grow by themselves. Commands get consecutive sequence numbers in
 * queue order, so a batch is a run of them and a retry resends exactly the same run; the group applies each
 * command once. Per-command outcomes are unchanged by batching: each command gets its own reply or error.
 */
public final class CommandBatcher {
    private record Pending(long seq, ByteString command, CompletableFuture<ByteString> result) {
    }

    private final ByteString session;
    private final Function<CommandBatch, CompletableFuture<BatchReply>> sender;
    private final int maxCommands;
    private final long maxBytes;
    private final int maxInFlight;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final TreeSet<Long> unanswered = new TreeSet<>();
    private long nextSeq = 1;
    private int inFlight;

    public CommandBatcher(ByteString session, Function<CommandBatch, CompletableFuture<BatchReply>> sender,
                          int maxCommands, long maxBytes, int maxInFlight) {
        this.session = session;
        this.sender = sender;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
    }

    public CompletableFuture<ByteString> submit(ByteString command) {
        CompletableFuture<ByteString> result = new CompletableFuture<>();
        List<List<Pending>> ready;
        synchronized (lock) {
            long seq = nextSeq++;
            unanswered.add(seq);
            queue.add(new Pending(seq, command, result));
            ready = drain();
        }
        ready.forEach(this::send);
        return result;
    }

    /** Sends one command under an explicit sequence number, outside batching, as a retry does. For tests. */
    public CompletableFuture<ByteString> resend(long seq, ByteString command) {
        CompletableFuture<ByteString> result = new CompletableFuture<>();
        dispatch(List.of(new Pending(seq, command, result)), false);
        return result;
    }

    /** Takes the batches that may go now. Holds the lock. */
    private List<List<Pending>> drain() {
        List<List<Pending>> batches = new ArrayList<>();
        while (inFlight < maxInFlight && !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            long bytes = 0;
            while (!queue.isEmpty() && batch.size() < maxCommands
                    && (batch.isEmpty() || bytes + queue.peek().command().size() <= maxBytes)) {
                Pending p = queue.poll();
                bytes += p.command().size();
                batch.add(p);
            }
            inFlight++;
            batches.add(batch);
        }
        return batches;
    }

    private void send(List<Pending> batch) {
        dispatch(batch, true);
    }

    private void dispatch(List<Pending> batch, boolean counted) {
        CommandBatch.Builder b = CommandBatch.newBuilder().setSession(session).setFirstSeq(batch.get(0).seq());
        synchronized (lock) {
            b.setAckedBelow(unanswered.isEmpty() ? nextSeq : unanswered.first());
        }
        batch.forEach(p -> b.addCommands(p.command()));
        sender.apply(b.build()).whenComplete((reply, error) -> {
            if (error != null && batch.size() > 1 && unwrap(error) instanceof CommandRejected) {
                // One command was refused before the log; none of the batch was applied. Send each alone, so
                // that only the refused one fails.
                batch.forEach(p -> dispatch(List.of(p), false));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    complete(batch.get(i), reply, error, i);
                }
            }
            if (counted) {
                List<List<Pending>> ready;
                synchronized (lock) {
                    inFlight--;
                    ready = drain();
                }
                ready.forEach(this::send);
            }
        });
    }

    private void complete(Pending p, BatchReply reply, Throwable error, int i) {
        synchronized (lock) {
            unanswered.remove(p.seq());
        }
        if (error != null) {
            p.result().completeExceptionally(unwrap(error));
            return;
        }
        try {
            p.result().complete(Replies.unwrap(reply.getOutcomes(i)));
        } catch (CommandRejected | RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
