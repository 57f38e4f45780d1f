package io.ratissm.jepsen.workload;

import io.ratissm.CommandRejected;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.nodes.StateMachineKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * What the clients do and how the result is judged. The harness calls {@link #next} and {@link #invoke} from
 * many client threads at once, so implementations are thread-safe.
 *
 * <p>{@link #invoke} returns a definite outcome or throws: {@code CommandRejected} means a definite refusal
 * ({@code :fail}); any runtime exception, notably {@code UnavailableException}, means the outcome is unknown
 * ({@code :info}, or {@code :fail} for a read-only op).
 */
public interface Workload {

    /** The workload's name on the command line and in the store path. */
    String name();

    /** The state machine the replicas run; null when it is the user's, named by {@code --state-machine}. */
    StateMachineKind stateMachine();

    /**
     * Runs before the clients start, outside the history, and is retried until it returns: it must prove the
     * cluster serves (at least one linearizable read) and may prepare state, e.g. open the bank's accounts.
     */
    void setUp(Reader reader) throws CommandRejected;

    /** The next operation for a client. */
    Invocation next(Random random);

    /** Performs {@code op}. */
    Completion invoke(Invocation op, Reader reader) throws CommandRejected;

    /** Operations run once, after the final heal and recovery, until each succeeds (e.g. the set's final read). */
    default List<Invocation> finalInvocations() {
        return List.of();
    }

    /** Checks the whole history (client and nemesis ops); may write extra files into {@code storeDir}. */
    WorkloadCheck check(History history, Path storeDir) throws IOException;
}
