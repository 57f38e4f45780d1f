package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.SessionExpiredException;
import io.ratissm.internal.BatchTooLargeException;
import io.ratissm.internal.Causes;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends the commands of one client session in batches ({@link Coalescer}): a command's ticket is its sequence
 * number, so a batch is a run of consecutive sequence numbers and a retry resends exactly that run; the group
 * applies each command once. Each command still gets its own outcome.
 *
 * <p>The session is opened with the group before the first batch goes out: the group applies commands only of
 * sessions it knows, so that one it has forgotten (idle, or evicted at its session limit) can never have a command
 * applied twice. When the group answers that it does not know the session, the next batch opens a new one; the
 * answered batch goes again in the new session if that answer came to its first attempt (then no attempt was ever
 * applied), and otherwise fails with {@link SessionExpiredException}: an earlier attempt may have been applied.
 *
 * <p>{@code acked_below} tells the group which replies it may forget. It is the first sequence number of the
 * oldest batch still in flight, and a batch stays in flight until the group has answered it: even after its
 * callers timed out, the client keeps asking, so the group never forgets a reply whose outcome the client has not
 * seen, and a command is never sent again under another number. Commands dropped from the queue at their timeout
 * never got a number.
 */
public final class CommandBatcher {
    /**
     * Bytes of an ACTIVE log entry besides its commands (the framing of {@code LogEntry}, {@code ActiveEntry} and its
     * session tick, and the session and sequence numbers of {@code CommandBatch}: under 80), with room to spare.
     */
    static final int ENTRY_OVERHEAD = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A session: its id, and the opening that every batch in it waits for. */
    private record Session(ByteString id, CompletableFuture<Void> opened) {}

    private final AtomicReference<Session> session = new AtomicReference<>();
    private final Sender<CommandBatch> sender;
    private final Coalescer coalescer;

    public CommandBatcher(Sender<CommandBatch> sender, QueuePolicy policy) {
        this.sender = sender;
        this.coalescer = new Coalescer(policy, batch -> send(batch.firstTicket(), batch.requests(), false));
    }

    /** @see Coalescer#add */
    public CompletableFuture<ByteString> submit(ByteString command) {
        return coalescer.add(command);
    }

    /**
     * Sends one command under an explicit sequence number, outside batching, as a retry does. For tests: it does
     * not count against the limit and has no timeout of its own.
     */
    public CompletableFuture<ByteString> resend(long seq, ByteString command) {
        Coalescer.Request r = new Coalescer.Request(command);
        send(seq, List.of(r), true);
        return r.result();
    }

    /** Fails every command held; later calls fail at once. */
    public void close() {
        coalescer.close();
    }

    /**
     * Builds and sends the log entry of commands with consecutive sequence numbers from {@code firstSeq} (the one
     * place a {@link CommandBatch} is made). The future completes when every one of them has its outcome.
     */
    private CompletableFuture<Void> send(long firstSeq, List<Coalescer.Request> run, boolean sentBefore) {
        Session s = session();
        return s.opened()
                .handle((opened, notOpened) -> {
                    if (notOpened != null) {
                        return outcomes(s, firstSeq, run, sentBefore, null, notOpened);
                    }
                    CommandBatch.Builder b = CommandBatch.newBuilder()
                            .setSession(s.id())
                            .setFirstSeq(firstSeq)
                            .setAckedBelow(coalescer.lowestUnfinishedTicket());
                    run.forEach(r -> b.addCommands(r.payload()));
                    // Until the group answers: only then may acked_below pass these sequence numbers (see the class
                    // comment).
                    return sender.send(b.build(), () -> true)
                            .handle((reply, error) -> outcomes(s, firstSeq, run, sentBefore, reply, error))
                            .thenCompose(parts -> parts);
                })
                .thenCompose(parts -> parts);
    }

    /** The session batches go in now: opened with the group before its first batch (once, whoever asks first). */
    private Session session() {
        while (true) {
            Session current = session.get();
            if (current != null) {
                return current;
            }
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            Session fresh = new Session(ByteString.copyFrom(id), new CompletableFuture<>());
            if (session.compareAndSet(null, fresh)) {
                CommandBatch open = CommandBatch.newBuilder()
                        .setSession(fresh.id())
                        .setOpenSession(true)
                        .build();
                sender.send(open, () -> true).whenComplete((reply, error) -> {
                    if (error != null) {
                        session.compareAndSet(fresh, null); // the client is closing; nothing more will be sent
                        fresh.opened().completeExceptionally(error);
                    } else {
                        fresh.opened().complete(null);
                    }
                });
                return fresh;
            }
        }
    }

    /** @param sentBefore whether these sequence numbers may have been sent before (so may have been applied) */
    private CompletableFuture<Void> outcomes(
            Session s,
            long firstSeq,
            List<Coalescer.Request> run,
            boolean sentBefore,
            BatchReply reply,
            Throwable error) {
        Throwable cause = Causes.unwrapped(error);
        if (cause instanceof SessionForgotten forgotten) {
            session.compareAndSet(s, null); // the next batch opens a new session
            if (forgotten.neverApplied() && !sentBefore) {
                return send(firstSeq, run, false);
            }
            cause = new SessionExpiredException("the group no longer knows this client's session (it was idle longer "
                    + "than the group's session idle timeout, or evicted at its session limit), so it applied nothing "
                    + "now; an earlier attempt of the command may have been applied (outcome unknown). "
                    + forgotten.getMessage());
        }
        if (run.size() > 1 && cause instanceof BatchTooLargeException tooLarge) {
            // Refused whole before the log: send it again in parts that fit, and make later batches fit at once.
            long room = tooLarge.maxEntryBytes() - ENTRY_OVERHEAD;
            List<List<Coalescer.Request>> parts = tooLarge.maxEntryBytes() > 0 ? split(run, room) : List.of();
            if (parts.size() > 1) {
                coalescer.capBatchBytes(room);
            } else {
                parts = List.of(run.subList(0, run.size() / 2), run.subList(run.size() / 2, run.size()));
            }
            return sendInParts(firstSeq, parts, sentBefore);
        }
        if (run.size() > 1 && cause instanceof CommandRejected) {
            // One command was refused before the log, so none of the batch was applied: send each alone, so that
            // only the refused one fails.
            return sendInParts(firstSeq, run.stream().map(List::of).toList(), sentBefore);
        }
        if (cause instanceof BatchTooLargeException) {
            cause = new CommandTooLarge("the command does not fit in a log entry: " + cause.getMessage());
        }
        for (int i = 0; i < run.size(); i++) {
            Replies.complete(run.get(i).result(), reply, cause, i);
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Sends consecutive parts of a run that the group refused whole before its log (so applied nothing of), each
     * under its own consecutive sequence numbers.
     */
    private CompletableFuture<Void> sendInParts(
            long firstSeq, List<List<Coalescer.Request>> parts, boolean sentBefore) {
        CompletableFuture<?>[] sent = new CompletableFuture<?>[parts.size()];
        long seq = firstSeq;
        for (int i = 0; i < parts.size(); i++) {
            sent[i] = send(seq, parts.get(i), sentBefore);
            seq += parts.get(i).size();
        }
        return CompletableFuture.allOf(sent);
    }

    /** Cuts a run into consecutive parts of at most {@code maxBytes} each (a larger command is a part alone). */
    static List<List<Coalescer.Request>> split(List<Coalescer.Request> run, long maxBytes) {
        List<List<Coalescer.Request>> parts = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < run.size(); i++) {
            long size = run.get(i).bytes();
            if (i > start && bytes + size > maxBytes) {
                parts.add(run.subList(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        parts.add(run.subList(start, run.size()));
        return parts;
    }
}
