package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How requests become batches, on their own (no session, no group): a lone request goes at once, under load the
 * queue goes out in call order within the item and byte limits, tickets stay consecutive, and every caller's future
 * ends when the client closes.
 */
class CoalescerTest {
    private final FakeGroup<Void> group = new FakeGroup<>();
    private final PendingLimit limit = new PendingLimit("commands", 1000, 1 << 20, false);
    /** Every batch dispatched, in order, with the future that ends its flight. */
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    private record Sent(Coalescer.Batch batch, CompletableFuture<Void> flight) {
        List<String> payloads() {
            return batch.requests().stream()
                    .map(r -> r.payload().toStringUtf8())
                    .toList();
        }

        /** The dispatcher is done with the batch: every caller gets its payload back as its reply. */
        void answer() {
            batch.requests().forEach(r -> r.result().complete(r.payload()));
            flight.complete(null);
        }
    }

    @AfterEach
    void stopTimer() {
        group.close();
    }

    private Coalescer coalescer(int maxItems, long maxBytes, int inFlight) {
        return new Coalescer(group.policy(maxItems, maxBytes, inFlight, limit, Duration.ofMinutes(1)), batch -> {
            CompletableFuture<Void> flight = new CompletableFuture<>();
            sent.add(new Sent(batch, flight));
            return flight;
        });
    }

    private static ByteString payload(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static List<CompletableFuture<ByteString>> add(Coalescer c, String... payloads) {
        List<CompletableFuture<ByteString>> calls = new ArrayList<>();
        for (String p : payloads) {
            calls.add(c.add(payload(p)));
        }
        return calls;
    }

    @Test
    void aLoneRequestGoesAtOnceWithTheFirstTicket() throws Exception {
        Coalescer c = coalescer(10, 1 << 20, 1);
        CompletableFuture<ByteString> call = c.add(payload("a"));

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).batch().firstTicket()).isEqualTo(1);
        assertThat(sent.get(0).payloads()).containsExactly("a");
        sent.get(0).answer();
        assertThat(call.get()).isEqualTo(payload("a"));
    }

    @Test
    void requestsQueuedBehindTheBatchesInFlightGoTogetherInCallOrderWithConsecutiveTickets() {
        Coalescer c = coalescer(10, 1 << 20, 2);
        add(c, "a", "b", "c", "d", "e");

        assertThat(sent).extracting(Sent::payloads).containsExactly(List.of("a"), List.of("b"));
        sent.get(1).answer();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).payloads()).containsExactly("c", "d", "e");
        assertThat(sent.get(2).batch().firstTicket()).isEqualTo(3);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchItemsAndTheRestGoesInTheNext() {
        Coalescer c = coalescer(2, 1 << 20, 1);
        add(c, "a", "b", "c", "d", "e", "f");

        sent.get(0).answer();
        sent.get(1).answer();
        sent.get(2).answer();
        assertThat(sent)
                .extracting(Sent::payloads)
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
        assertThat(sent).extracting(s -> s.batch().firstTicket()).containsExactly(1L, 2L, 4L, 6L);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchBytesYetALargerRequestGoesAlone() {
        // A 10-byte payload takes 12 bytes of a batch message (tag and length): two fit in 30, three do not.
        Coalescer c = coalescer(100, 30, 1);
        c.add(payload("first"));
        c.add(ByteString.copyFrom(new byte[10]));
        c.add(ByteString.copyFrom(new byte[10]));
        c.add(ByteString.copyFrom(new byte[10]));
        c.add(ByteString.copyFrom(new byte[50]));
        c.add(ByteString.copyFrom(new byte[1]));

        sent.get(0).answer();
        sent.get(1).answer();
        sent.get(2).answer();
        assertThat(sent)
                .extracting(s -> s.batch().requests().stream()
                        .map(r -> r.payload().size())
                        .toList())
                .containsExactly(List.of(5), List.of(10, 10), List.of(10), List.of(50));
        sent.get(3).answer();
        assertThat(sent.get(4).batch().requests())
                .extracting(r -> r.payload().size())
                .containsExactly(1);
    }

    @Test
    void aCappedByteLimitHoldsForLaterBatchesAndNeverRises() {
        Coalescer c = coalescer(100, 1 << 20, 1);
        c.add(payload("first"));
        c.capBatchBytes(24);
        c.capBatchBytes(1000);
        for (int i = 0; i < 3; i++) {
            c.add(ByteString.copyFrom(new byte[10]));
        }

        sent.get(0).answer();
        sent.get(1).answer();
        assertThat(sent).extracting(s -> s.batch().requests().size()).containsExactly(1, 2, 1);
    }

    @Test
    void theLowestUnfinishedTicketIsTheOldestBatchStillInFlight() {
        Coalescer c = coalescer(1, 1 << 20, 3);
        assertThat(c.lowestUnfinishedTicket()).as("nothing sent yet").isEqualTo(1);
        add(c, "a", "b", "c");

        sent.get(1).answer();
        assertThat(c.lowestUnfinishedTicket()).as("a is still out").isEqualTo(1);
        sent.get(0).answer();
        assertThat(c.lowestUnfinishedTicket()).isEqualTo(3);
        sent.get(2).answer();
        assertThat(c.lowestUnfinishedTicket())
                .as("everything answered: the next ticket")
                .isEqualTo(4);
    }

    @Test
    void aBatchWhoseDispatchFailedFreesItsPlaceAndItsRoomForTheQueue() {
        Coalescer c = coalescer(10, 1 << 20, 1);
        add(c, "a", "b");
        assertThat(limit.requests()).isEqualTo(2);

        sent.get(0).flight().completeExceptionally(new IllegalStateException("the transport broke"));

        assertThat(sent).extracting(Sent::payloads).containsExactly(List.of("a"), List.of("b"));
        assertThat(limit.requests()).as("a no longer counts").isEqualTo(1);
    }

    @Test
    void aQueuedRequestItsCallerCancelledIsNeverSentAndTakesNoTicket() {
        Coalescer c = coalescer(10, 1 << 20, 1);
        List<CompletableFuture<ByteString>> calls = add(c, "a", "b", "c");

        calls.get(1).cancel(false);
        assertThat(limit.requests()).isEqualTo(2);
        sent.get(0).answer();

        assertThat(sent.get(1).payloads()).containsExactly("c");
        assertThat(sent.get(1).batch().firstTicket()).isEqualTo(2);
    }

    @Test
    void closeEndsEveryCallersFutureAndFreesTheQueuedRoom() {
        Coalescer c = coalescer(1, 1 << 20, 2);
        List<CompletableFuture<ByteString>> calls = add(c, "a", "b", "c", "d");

        c.close();

        assertThat(calls).allSatisfy(call -> assertThat(call).isCompletedExceptionally());
        assertThat(calls.subList(0, 2)).allSatisfy(call -> assertFailed(call, "sent, closed"));
        assertThat(calls.subList(2, 4)).allSatisfy(call -> assertFailed(call, "queued, closed"));
        assertThat(limit.requests())
                .as("the queued ones; the sent ones end with their flight")
                .isEqualTo(2);
        sent.forEach(s -> s.flight().complete(null));
        assertThat(limit.requests()).isZero();
        assertThat(sent).as("nothing more is sent after close").hasSize(2);
        assertThatThrownBy(() -> c.add(payload("e")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(limit.requests())
                .as("a call refused after close holds no room")
                .isZero();
    }

    private static void assertFailed(CompletableFuture<ByteString> call, String how) {
        assertThatThrownBy(call::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(UnavailableException.class)
                .hasMessage(how);
    }
}
