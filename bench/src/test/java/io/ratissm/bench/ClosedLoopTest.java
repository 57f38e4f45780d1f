package io.ratissm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {

    @Test
    void issue_waitsForAnAnswer_whenAllSlotsAreInFlight() throws Exception {
        List<CompletableFuture<Object>> inFlight = new ArrayList<>();
        ClosedLoop loop = ClosedLoop.async(2, () -> {
            CompletableFuture<Object> f = new CompletableFuture<>();
            inFlight.add(f);
            return f;
        });
        loop.issue();
        loop.issue();
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                loop.issue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(third).isNotDone();

        inFlight.get(0).complete("answer");
        third.get(5, TimeUnit.SECONDS);
        assertThat(loop.completed()).isEqualTo(1);
        assertThat(loop.takeLatencies().getTotalCount()).isEqualTo(1);
    }

    @Test
    void issue_throws_afterARequestFailed() throws Exception {
        ClosedLoop loop =
                ClosedLoop.async(4, () -> CompletableFuture.failedFuture(new IllegalStateException("refused")));
        loop.issue();
        assertThatThrownBy(loop::issue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 request(s) failed")
                .hasRootCauseMessage("refused");
        assertThat(loop.completed()).isZero();
    }
}
