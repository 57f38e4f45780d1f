package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.Awaits;
import io.ratissm.CommandTooLarge;
import io.ratissm.QueueFullException;
import io.ratissm.UnavailableException;
import io.ratissm.internal.BatchTooLargeException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's command batching against a fake group: limits, timeouts from the call, close, and splitting. */
class CommandBatcherTest {
    private static final Duration LONG = Duration.ofMinutes(1);

    private final FakeGroup<CommandBatch> group = new FakeGroup<>();

    @AfterEach
    void stopTimer() {
        group.close();
    }

    /** Session openings sent to the group, each answered at once. */
    private final List<ByteString> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CommandBatcher batcher(int inFlight, PendingLimit limit, Duration timeout) {
        Sender<CommandBatch> opensAtOnce = (batch, wanted) -> {
            if (batch.getOpenSession()) {
                opened.add(batch.getSession());
                return CompletableFuture.completedFuture(BatchReply.getDefaultInstance());
            }
            return group.send(batch, wanted);
        };
        return new CommandBatcher(opensAtOnce, group.policy(1024, 1 << 20, inFlight, limit, timeout));
    }

    private static PendingLimit failFast(int requests, long bytes) {
        return new PendingLimit("commands", requests, bytes, false);
    }

    private static ByteString command(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Each command's reply names its sequence number. */
    private static CompletableFuture<BatchReply> applied(CommandBatch batch) {
        BatchReply.Builder reply = BatchReply.newBuilder();
        for (int i = 0; i < batch.getCommandsCount(); i++) {
            reply.addOutcomes(Outcome.newBuilder().setOk(command("seq " + (batch.getFirstSeq() + i))));
        }
        return CompletableFuture.completedFuture(reply.build());
    }

    private static void answer(FakeGroup.Call<CommandBatch> call) {
        call.reply().complete(applied(call.request()).join());
    }

    private static List<ByteString> commandsOf(FakeGroup.Call<CommandBatch> call) {
        return call.request().getCommandsList();
    }

    /** The call ended without an answer, as {@link FakeGroup#policy} describes it ("sent, timed out"...). */
    private static void assertUnanswered(CompletableFuture<ByteString> call, String how) {
        assertThat(call)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(UnavailableException.class)
                .withMessage(how);
    }

    @Test
    void aCommandPastThePendingLimitFailsAtOnceAndIsNeverSent() throws Exception {
        CommandBatcher batcher = batcher(1, failFast(3, 1 << 20), LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        CompletableFuture<ByteString> b = batcher.submit(command("b"));
        CompletableFuture<ByteString> c = batcher.submit(command("c"));

        assertThatThrownBy(() -> batcher.submit(command("d")))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds 3 pending commands")
                .hasMessageContaining("not sent");

        answer(group.next());
        FakeGroup.Call<CommandBatch> second = group.next();
        assertThat(commandsOf(second)).containsExactly(command("b"), command("c"));
        answer(second);
        assertThat(List.of(a.get(), b.get(), c.get()))
                .containsExactly(command("seq 1"), command("seq 2"), command("seq 3"));
        // Room again once the group answered.
        CompletableFuture<ByteString> e = batcher.submit(command("e"));
        answer(group.next());
        assertThat(e.get()).isEqualTo(command("seq 4"));
    }

    @Test
    void theByteLimitCountsCommandsQueuedAndSentAndLetsALargeOneInAlone() throws Exception {
        // A 40-byte command takes 42 bytes in a batch (tag and length).
        CommandBatcher batcher = batcher(1, failFast(100, 100), LONG);
        batcher.submit(ByteString.copyFrom(new byte[40]));
        batcher.submit(ByteString.copyFrom(new byte[40]));
        assertThatThrownBy(() -> batcher.submit(ByteString.copyFrom(new byte[40])))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("84 bytes");
        answer(group.next());
        answer(group.next());

        CompletableFuture<ByteString> large = batcher.submit(ByteString.copyFrom(new byte[500]));
        assertThatThrownBy(() -> batcher.submit(command("x"))).isInstanceOf(QueueFullException.class);
        answer(group.next());
        assertThat(large.get()).isEqualTo(command("seq 3"));
    }

    /** Submits from another thread, and returns once that submit waits for room. */
    private static CompletableFuture<CompletableFuture<ByteString>> submitWaitingForRoom(
            CommandBatcher batcher, PendingLimit limit, ByteString command) {
        CompletableFuture<CompletableFuture<ByteString>> call =
                CompletableFuture.supplyAsync(() -> batcher.submit(command));
        Awaits.await("the submit waits for room", Duration.ofSeconds(5), limit::hasWaiters);
        return call;
    }

    @Test
    void aBlockedSubmitGoesOnWhenTheGroupAnswersAndGivesUpAtItsTimeout() throws Exception {
        PendingLimit limit = new PendingLimit("commands", 1, 1 << 20, true);
        CommandBatcher batcher = batcher(1, limit, LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        CompletableFuture<CompletableFuture<ByteString>> b = submitWaitingForRoom(batcher, limit, command("b"));
        assertThat(b).isNotDone();

        answer(group.next());
        assertThat(a.get()).isEqualTo(command("seq 1"));
        answer(group.next());
        assertThat(b.get().get()).isEqualTo(command("seq 2"));

        CommandBatcher impatient = batcher(1, new PendingLimit("commands", 1, 1 << 20, true), Duration.ofMillis(100));
        impatient.submit(command("c"));
        assertThatThrownBy(() -> impatient.submit(command("d")))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("no room was freed within the call's timeout");
    }

    @Test
    void closeWakesASubmitWaitingForRoomAndLaterSubmitsFailAtOnce() throws Exception {
        PendingLimit limit = new PendingLimit("commands", 1, 1 << 20, true);
        CommandBatcher batcher = batcher(1, limit, LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        CompletableFuture<CompletableFuture<ByteString>> b = submitWaitingForRoom(batcher, limit, command("b"));

        limit.close();
        batcher.close();

        assertThat(b)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(IllegalStateException.class)
                .withMessageContaining("closed");
        assertUnanswered(a, "sent, closed");
        assertThatThrownBy(() -> batcher.submit(command("c"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeFailsQueuedCommandsAsNeverSentAndSentOnesAsUnknown() throws Exception {
        CommandBatcher batcher = batcher(1, failFast(10, 1 << 20), LONG);
        CompletableFuture<ByteString> sent = batcher.submit(command("a"));
        CompletableFuture<ByteString> queued = batcher.submit(command("b"));
        FakeGroup.Call<CommandBatch> call = group.next();

        batcher.close();

        assertUnanswered(sent, "sent, closed");
        assertUnanswered(queued, "queued, closed");
        assertThatThrownBy(() -> batcher.submit(command("c")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        // A late answer changes nothing, and the queued command never goes out.
        answer(call);
        assertThat(group.unseen()).isZero();
    }

    @Test
    void aQueuedCommandTimesOutFromItsCallIsNeverSentAndLeavesNoGapInSequenceNumbers() throws Exception {
        CommandBatcher batcher = batcher(1, failFast(10, 1 << 20), Duration.ofMillis(200));
        CompletableFuture<ByteString> sent = batcher.submit(command("a"));
        FakeGroup.Call<CommandBatch> first = group.next();
        CompletableFuture<ByteString> queued = batcher.submit(command("b"));

        assertUnanswered(queued, "queued, timed out");
        assertUnanswered(sent, "sent, timed out");
        // The group still gets asked about the sent one until it answers.
        assertThat(first.stillWanted().getAsBoolean()).isTrue();
        answer(first);

        CompletableFuture<ByteString> next = batcher.submit(command("c"));
        FakeGroup.Call<CommandBatch> second = group.next();
        assertThat(commandsOf(second)).containsExactly(command("c"));
        assertThat(second.request().getFirstSeq()).isEqualTo(2);
        answer(second);
        assertThat(next.get()).isEqualTo(command("seq 2"));
        assertThat(group.unseen()).isZero();
    }

    @Test
    void ackedBelowNeverPassesACommandWhoseOutcomeTheClientHasNotSeen() throws Exception {
        CommandBatcher batcher = batcher(2, failFast(10, 1 << 20), Duration.ofMillis(100));
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        FakeGroup.Call<CommandBatch> first = group.next();
        assertUnanswered(a, "sent, timed out");

        batcher.submit(command("b"));
        FakeGroup.Call<CommandBatch> second = group.next();
        assertThat(second.request().getFirstSeq()).isEqualTo(2);
        assertThat(second.request().getAckedBelow())
                .as("a's outcome is unknown")
                .isEqualTo(1);
        answer(second);

        batcher.submit(command("c"));
        FakeGroup.Call<CommandBatch> third = group.next();
        assertThat(third.request().getAckedBelow())
                .as("a's outcome is still unknown")
                .isEqualTo(1);
        answer(first);
        answer(third);

        batcher.submit(command("d"));
        assertThat(group.next().request().getAckedBelow())
                .as("every outcome before d is known")
                .isEqualTo(4);
    }

    @Test
    void aBatchRefusedAsTooLargeIsSentAgainInConsecutiveRunsThatFitAndLaterBatchesFitAtOnce() throws Exception {
        long maxEntryBytes = 1000;
        AtomicInteger refusals = new AtomicInteger();
        List<CommandBatch> accepted = new ArrayList<>();
        CommandBatcher batcher = batcher(1, failFast(100, 1 << 20), LONG);
        CompletableFuture<ByteString> blocker = batcher.submit(command("blocker"));
        FakeGroup.Call<CommandBatch> held = group.next();
        List<CompletableFuture<ByteString>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(batcher.submit(ByteString.copyFrom(new byte[300])));
        }
        group.answerWith(batch -> {
            long entry = batch.getSerializedSize() + 20; // what an ACTIVE entry adds: leader time and framing
            if (entry > maxEntryBytes) {
                refusals.incrementAndGet();
                return CompletableFuture.failedFuture(
                        new BatchTooLargeException(entry, batch.getCommandsCount(), maxEntryBytes));
            }
            synchronized (accepted) {
                accepted.add(batch);
            }
            return applied(batch);
        });
        answer(held);

        for (int i = 0; i < 10; i++) {
            assertThat(replies.get(i).get()).isEqualTo(command("seq " + (i + 2)));
        }
        assertThat(blocker.get()).isEqualTo(command("seq 1"));
        assertThat(refusals).hasValue(1);
        // Not one by one: the parts are as large as an entry allows (two 300-byte commands each).
        assertThat(accepted).hasSize(5).allMatch(b -> b.getCommandsCount() == 2);
        assertThat(accepted.stream().map(CommandBatch::getFirstSeq)).containsExactlyInAnyOrder(2L, 4L, 6L, 8L, 10L);

        // Later batches are cut to fit before they are sent.
        group.answerWith(null);
        batcher.submit(command("blocker"));
        FakeGroup.Call<CommandBatch> heldAgain = group.next();
        List<CompletableFuture<ByteString>> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            more.add(batcher.submit(ByteString.copyFrom(new byte[300])));
        }
        group.answerWith(batch -> {
            if (batch.getSerializedSize() + 20 > maxEntryBytes) {
                refusals.incrementAndGet();
            }
            return applied(batch);
        });
        answer(heldAgain);
        for (CompletableFuture<ByteString> f : more) {
            assertThat(f.get()).isNotNull();
        }
        assertThat(refusals).hasValue(1);
    }

    @Test
    void aSingleCommandRefusedAsTooLargeFailsWithCommandTooLarge() {
        group.answerWith(batch -> CompletableFuture.failedFuture(new BatchTooLargeException(5000, 1, 4000)));
        CompletableFuture<ByteString> reply =
                batcher(1, failFast(10, 1 << 20), LONG).submit(command("x"));

        assertThat(reply)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(CommandTooLarge.class)
                .withMessageContaining("4000 bytes");
    }

    @Test
    void aBatchRefusedForOneOfItsCommandsIsSentAgainCommandByCommandAndOnlyThatOneFails() throws Exception {
        List<CommandBatch> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        CommandBatcher batcher = batcher(1, failFast(100, 1 << 20), LONG);
        CompletableFuture<ByteString> blocker = batcher.submit(command("blocker"));
        FakeGroup.Call<CommandBatch> held = group.next();
        List<CompletableFuture<ByteString>> replies = new ArrayList<>();
        for (String c : List.of("a", "bad", "c")) {
            replies.add(batcher.submit(command(c)));
        }
        group.answerWith(batch -> {
            if (batch.getCommandsList().contains(command("bad"))) {
                return CompletableFuture.failedFuture(new io.ratissm.CommandRejected("bad is refused"));
            }
            accepted.add(batch);
            return applied(batch);
        });
        answer(held);

        assertThat(blocker.get()).isEqualTo(command("seq 1"));
        assertThat(replies.get(0).get()).isEqualTo(command("seq 2"));
        assertThat(replies.get(1))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(io.ratissm.CommandRejected.class)
                .withMessage("bad is refused");
        assertThat(replies.get(2).get())
                .as("under its own sequence number, as first given")
                .isEqualTo(command("seq 4"));
        assertThat(accepted).extracting(CommandBatch::getCommandsCount).containsOnly(1);
    }

    @Test
    void commandsOfASessionThatCouldNotBeOpenedFailAndTheNextCommandOpensANewSession() throws Exception {
        List<ByteString> openings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Sender<CommandBatch> firstOpeningFails = (batch, wanted) -> {
            if (batch.getOpenSession()) {
                openings.add(batch.getSession());
                return openings.size() == 1
                        ? CompletableFuture.failedFuture(new UnavailableException("no leader answered", null))
                        : CompletableFuture.completedFuture(BatchReply.getDefaultInstance());
            }
            return applied(batch);
        };
        CommandBatcher batcher =
                new CommandBatcher(firstOpeningFails, group.policy(1024, 1 << 20, 1, failFast(100, 1 << 20), LONG));

        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        assertThat(a)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(UnavailableException.class)
                .withMessage("no leader answered");
        CompletableFuture<ByteString> b = batcher.submit(command("b"));

        assertThat(b.get()).isEqualTo(command("seq 2"));
        assertThat(openings).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void theSessionIsOpenedOnceBeforeTheFirstBatchAndEveryBatchGoesInIt() throws Exception {
        CommandBatcher batcher = batcher(2, failFast(100, 1 << 20), LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        CompletableFuture<ByteString> b = batcher.submit(command("b"));
        FakeGroup.Call<CommandBatch> first = group.next();
        FakeGroup.Call<CommandBatch> second = group.next();
        answer(first);
        answer(second);

        assertThat(a.get()).isEqualTo(command("seq 1"));
        assertThat(b.get()).isEqualTo(command("seq 2"));
        assertThat(opened).hasSize(1);
        assertThat(first.request().getSession())
                .isEqualTo(opened.get(0))
                .isEqualTo(second.request().getSession());
    }

    @Test
    void aBatchWhoseFirstAttemptFindsTheSessionForgottenGoesAgainInANewSession() throws Exception {
        CommandBatcher batcher = batcher(1, failFast(100, 1 << 20), LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        FakeGroup.Call<CommandBatch> forgotten = group.next();
        forgotten.reply().completeExceptionally(new SessionForgotten(true, "unknown session"));
        FakeGroup.Call<CommandBatch> again = group.next();
        answer(again);

        assertThat(a.get()).isEqualTo(command("seq 1"));
        assertThat(opened).hasSize(2);
        assertThat(again.request().getSession()).isEqualTo(opened.get(1)).isNotEqualTo(opened.get(0));
        assertThat(again.request().getFirstSeq()).isEqualTo(forgotten.request().getFirstSeq());
    }

    @Test
    void aBatchThatMayHaveBeenAppliedBeforeItsSessionWasForgottenFailsAsExpiredAndTheNextOneOpensANewSession()
            throws Exception {
        CommandBatcher batcher = batcher(1, failFast(100, 1 << 20), LONG);
        CompletableFuture<ByteString> a = batcher.submit(command("a"));
        group.next().reply().completeExceptionally(new SessionForgotten(false, "unknown session"));

        assertThat(a)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(io.ratissm.SessionExpiredException.class)
                .withMessageContaining("outcome unknown");
        CompletableFuture<ByteString> b = batcher.submit(command("b"));
        FakeGroup.Call<CommandBatch> next = group.next();
        answer(next);
        assertThat(b.get()).isEqualTo(command("seq 2"));
        assertThat(opened).hasSize(2);
        assertThat(next.request().getSession()).isEqualTo(opened.get(1));
    }
}
