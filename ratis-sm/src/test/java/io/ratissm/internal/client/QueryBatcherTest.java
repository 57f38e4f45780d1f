package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.QueueFullException;
import io.ratissm.UnavailableException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.QueryRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's query batching against a fake group: a shared limit, and timeouts from the call. */
class QueryBatcherTest {
    private final FakeGroup<QueryRequest> group = new FakeGroup<>();

    @AfterEach
    void stopTimer() {
        group.close();
    }

    private static ByteString query(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Each query is answered with itself. */
    private static void answer(FakeGroup.Call<QueryRequest> call) {
        BatchReply.Builder reply = BatchReply.newBuilder();
        call.request()
                .getQueriesList()
                .forEach(q -> reply.addOutcomes(Outcome.newBuilder().setOk(q)));
        call.reply().complete(reply.build());
    }

    @Test
    void queriesOfEveryTargetShareOneLimit() throws Exception {
        PendingLimit limit = new PendingLimit("queries", 2, 1 << 20, false);
        QueryBatcher leader = new QueryBatcher(group, group.policy(1024, 1 << 20, 1, limit, Duration.ofMinutes(1)));
        QueryBatcher replica = new QueryBatcher(group, group.policy(1024, 1 << 20, 1, limit, Duration.ofMinutes(1)));
        CompletableFuture<ByteString> a = leader.query(query("a"));
        CompletableFuture<ByteString> b = replica.query(query("b"));

        assertThatThrownBy(() -> leader.query(query("c")))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("holds 2 pending queries");

        answer(group.next());
        answer(group.next());
        assertThat(a.get()).isEqualTo(query("a"));
        assertThat(b.get()).isEqualTo(query("b"));
        assertThat(limit.requests()).isZero();
    }

    @Test
    void aBatchWhoseCallersAllTimedOutIsGivenUpAndTheNextGoesOut() throws Exception {
        PendingLimit limit = new PendingLimit("queries", 10, 1 << 20, false);
        QueryBatcher batcher = new QueryBatcher(group, group.policy(1024, 1 << 20, 1, limit, Duration.ofMillis(100)));
        CompletableFuture<ByteString> first = batcher.query(query("a"));
        FakeGroup.Call<QueryRequest> unanswered = group.next();

        assertThat(first)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(UnavailableException.class)
                .withMessage("sent, timed out");
        assertThat(unanswered.stillWanted().getAsBoolean())
                .as("anyone waiting for the first batch")
                .isFalse();

        // The slot is free again although the group never answered the first batch.
        CompletableFuture<ByteString> later = batcher.query(query("c"));
        FakeGroup.Call<QueryRequest> next = group.next();
        assertThat(next.request().getQueriesList()).containsExactly(query("c"));
        answer(next);
        assertThat(later.get()).isEqualTo(query("c"));
        assertThat(limit.requests()).isZero();
    }
}
