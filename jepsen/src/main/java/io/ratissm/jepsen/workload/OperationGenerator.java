package io.ratissm.jepsen.workload;

import com.google.protobuf.Message;
import java.util.Objects;
import java.util.Random;

/**
 * The operations of the {@code state-machine} workload, the zero-boilerplate way to test a user's own
 * {@code StateMachine}: the user says which commands and queries to send, as Protobuf messages, and nothing else.
 * The harness sends each one's bytes to the group ({@code ReplicaClient.submit} or {@code query}), records request
 * and reply bytes in the history, and checks it with the state machine itself as the model
 * ({@link io.ratissm.jepsen.checker.StateMachineModel}).
 *
 * <p>Contract:
 * <ul>
 *   <li>a public class with a public constructor without arguments, named with {@code jepsen test --generator} and
 *       loaded from {@code --classpath} (with the state machine's classes);</li>
 *   <li>{@link #next} draws only from the {@code Random} it is given: the harness seeds that from the run's
 *       {@code --seed}, so a run can be repeated. It may keep state (say, which ids it handed out); the harness
 *       never calls it from two threads at once;</li>
 *   <li>a command must be one the state machine can apply on every replica alike; one it refuses with
 *       {@code CommandRejected} is recorded as a refusal the model must reproduce, and a generator whose commands
 *       of one kind are all refused gets a warning and the rejection rate in {@code results.edn};</li>
 *   <li>the checker's cost grows with the number of concurrent operations whose order no reply reveals, so
 *       prefer commands whose replies say what happened (an enqueue answering with its ticket).</li>
 * </ul>
 */
public interface OperationGenerator {

    /** The next operation of a client. */
    Request next(Random random);

    /**
     * One operation: a command (replicated, may change state) or a query (read-only), with the name it has in the
     * history ({@code :f}, e.g. {@code enqueue}).
     */
    record Request(String f, Message message, boolean query) {
        public Request {
            Objects.requireNonNull(f, "f");
            Objects.requireNonNull(message, "message");
            if (f.isBlank()) {
                throw new IllegalArgumentException("an operation needs a name for the history, e.g. \"enqueue\"");
            }
        }

        /** A command named {@code f} in the history. */
        public static Request command(String f, Message command) {
            return new Request(f, command, false);
        }

        /** A query named {@code f} in the history. */
        public static Request query(String f, Message query) {
            return new Request(f, query, true);
        }
    }
}
