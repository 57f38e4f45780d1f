package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one walk along an exception's causes. */
class CausesTest {
    private final IOException root = new IOException("No space left on device");
    private final IllegalStateException middle = new IllegalStateException("log worker failed", root);
    private final RuntimeException outer = new RuntimeException("start failed", middle);

    @Test
    void theChainRunsFromTheExceptionToItsInnermostCause() {
        assertThat(Causes.chain(outer)).containsExactly(outer, middle, root);
        assertThat(Causes.chain(null)).isEmpty();
        assertThat(Causes.root(outer)).isSameAs(root);
        assertThat(Causes.root(root)).as("no cause: itself").isSameAs(root);
    }

    @Test
    void findGivesTheOutermostOfAType() {
        IllegalStateException inner = new IllegalStateException("inner");
        Throwable t = new IllegalStateException("outer", new IOException("io", inner));
        assertThat(Causes.find(t, IllegalStateException.class)).containsSame((IllegalStateException) t);
        assertThat(Causes.find(t, IOException.class).map(Throwable::getMessage)).contains("io");
        assertThat(Causes.find(t, ExecutionException.class)).isEmpty();
        assertThat(Causes.any(outer, c -> String.valueOf(c.getMessage()).contains("No space")))
                .isTrue();
        assertThat(Causes.any(outer, c -> c instanceof ExecutionException)).isFalse();
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a walk without the guard never ends
    void aChainThatLoopsEndsAtTheFirstRepeat() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b); // a -> b -> a: allowed by Throwable, and must not hang the walk

        assertThat(Causes.chain(a)).containsExactly(a, b);
        assertThat(Causes.root(a)).isSameAs(b);
        assertThat(Causes.find(a, IOException.class)).isEmpty();
    }

    @Test
    void unwrappingRemovesTheFuturesWrappersOnly() {
        Throwable wrapped = new CompletionException(new ExecutionException(middle));
        assertThat(Causes.unwrapped(wrapped)).isSameAs(middle);
        assertThat(Causes.unwrapped(middle))
                .as("not a wrapper: kept with its causes")
                .isSameAs(middle);
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(Causes.unwrapped(empty))
                .as("a wrapper without a cause is the failure itself")
                .isSameAs(empty);
    }
}
