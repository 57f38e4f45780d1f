package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.history.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * What the clients of a harness test do to a state machine, and how the history is judged: the one interface behind
 * the bundled workloads ({@code register}, {@code counter}, {@code set}, {@code bank}, {@code state-machine}) and a
 * user's own, named by class with {@code jepsen test --workload com.acme.QueueWorkload}.
 *
 * <p>A workload never talks to the replicas. It draws operations ({@link #next}), says which bytes each one sends
 * ({@link #request}) and what a reply means ({@link #completion}, {@link #rejected}); the harness sends them, times
 * them out and records the history with Jepsen's client rules, so every workload gets the same rules:
 * <ul>
 *   <li>an {@link Invocation} that is {@link Invocation#readOnly() read-only} is sent as a query (linearizable, or
 *       from a random replica under {@code --read stale}; final invocations always linearizably), any other as a
 *       command;</li>
 *   <li>a reply becomes the {@link Completion} {@link #completion} returns: {@code :ok}, or {@code :fail} for a
 *       definite "no" such as a compare-and-set whose expected value differed;</li>
 *   <li>a {@link CommandRejected} (the state machine's deterministic "no", or the framework's refusal of a command
 *       too large) becomes what {@link #rejected} returns, by default {@code :fail} with {@code [:rejected
 *       "message"]};</li>
 *   <li>a request the client says never reached the log ({@code ConnectionRefusedException}: every replica refused
 *       the connection; {@code QueueFullException}; {@code SchemaMismatchException}; a {@code FailStoppedException}
 *       whose outcome is known) is {@code :fail} with {@code [:not-applied "..."]}: it never takes effect;</li>
 *   <li>no reply within the op timeout, any other exception on the way (notably {@code UnavailableException}), and an
 *       exception from {@link #request} or {@link #completion} (a reply it cannot read) leave the outcome unknown:
 *       {@code :info} for a command, whose process then continues under a new id, and {@code :fail} for a read-only
 *       op, which had no effect.</li>
 * </ul>
 *
 * <p>Threads and determinism. The harness never calls {@link #next} from two threads at once, so a generator may keep
 * plain state (the next unique id); {@link #next} must draw every choice from the {@code Random} it is given, which
 * the harness seeds from {@code --seed}, and nothing else (no clock, no other random source). {@link #request},
 * {@link #completion} and {@link #rejected} are called from many client threads at once and must be pure functions
 * of their arguments. The harness makes a fresh instance for each use (the sequential run below, the test itself),
 * through a public constructor without arguments when the workload is named by class.
 *
 * <p>Checking. A workload gives a {@link #model()}, a sequential specification the history must be linearizable
 * against, or overrides {@link #check} with another checker (the counter, set and bank invariants). With a model,
 * before any replica starts the harness runs the workload alone against a fresh instance of the state machine in its
 * own JVM, a few hundred operations one at a time, and stops with the first operation on which the model disagrees
 * with the state machine ({@code io.ratissm.jepsen.runner.SequentialRunException}): a wrong model fails in a second,
 * not after a run under faults.
 */
public interface Workload {

    /** The workload's name in reports, e.g. {@code queue}. */
    String name();

    /**
     * The state machine the replicas run, a class with a public constructor without arguments, found on the harness's
     * classpath or in {@code --classpath} (the replicas get both); {@code --state-machine} replaces it.
     */
    Class<? extends StateMachine> stateMachine();

    /**
     * Operations run once before the clients start and before the clock of the test, outside the history, each
     * retried until it completes {@code :ok}: what prepares the state (the bank's accounts, opened by an idempotent
     * command) and a read that shows the group serves. An op that completes {@code :fail} stops the test. Default:
     * none, and the harness only waits for a leader.
     */
    default List<Invocation> setUp() {
        return List.of();
    }

    /** The next operation of a client, drawn from {@code random} only (see the class comment). */
    Invocation next(Random random);

    /**
     * The key {@code op} reads or changes, by which a sharded run ({@code jepsen test --shards S}) sends it to the
     * shard that owns the key ({@code io.ratissm.shard.ShardedClient}, {@code io.ratissm.shard.ShardMap#shardOf}).
     * Default: null, a workload without keys, which cannot run sharded (the harness refuses it before anything starts).
     *
     * <p>A workload that overrides it must keep every op to the one key it names (no op reads or changes two keys,
     * which could live in different shards: a sharded deployment has no transactions across shards), and be checked
     * per key (its {@link #model()}'s {@link Model#keyOf}), since ops on different shards are ordered by nothing but
     * their own shard. Called from many client threads at once: a pure function of {@code op}.
     */
    default String shardKey(Invocation op) {
        return null;
    }

    /** The bytes {@code op} sends: a query if it is read-only, a command otherwise. */
    ByteString request(Invocation op);

    /**
     * What the reply to {@code op} means: {@code :ok} with the value the history records (what a read saw; for a
     * command usually the invocation's value), or {@code :fail} with the invocation's value for a definite "no".
     *
     * @throws IOException if the reply cannot be read (e.g. an {@code InvalidProtocolBufferException}): the outcome is
     *                     then unknown, as for a lost reply
     */
    Completion completion(Invocation op, ByteString reply) throws IOException;

    /**
     * What a refusal of {@code op} means. By default a refusal had no effect: {@code :fail} with the invocation's value
     * and {@code [:rejected "message"]}. Override it when a refusal is an answer the model must reproduce (a dequeue
     * from an empty queue: {@code :ok} with "empty").
     */
    default Completion rejected(Invocation op, CommandRejected refusal) {
        return Completion.fail(op, "rejected", refusal.getMessage());
    }

    /**
     * Operations run once after the faults are healed and the cluster has recovered, each retried until it completes
     * {@code :ok}, and recorded in the history: the final reads that the checkers take as the truth. Default: none.
     */
    default List<Invocation> finalInvocations() {
        return List.of();
    }

    /**
     * The sequential specification the history must be linearizable against, checked by the default {@link #check}
     * and, before the test, against the state machine itself (see the class comment); null for none, and then {@link
     * #check} is overridden. Its {@link Model#step} sees each op's {@code :f} as a keyword and its value as the history
     * records it: the {@link Completion#value()} of an {@code :ok}, the invocation's value of an op whose outcome is
     * unknown (which may have taken effect with any reply, or never). A model whose {@link Model#keyOf} names a key
     * splits the history into independent keys, each checked alone (Jepsen's {@code independent}); {@link
     * io.ratissm.jepsen.checker.IndependentModel} does it for {@code [key value]} values.
     */
    default Model model() {
        return null;
    }

    /**
     * Checks the whole history (client and nemesis ops) and may write files into {@code storeDir}. Default: {@link
     * LinearizabilityCheck} against {@link #model()}, which writes {@code linearizability.edn} and {@code
     * timeline.html}.
     *
     * @throws IllegalStateException by default, if {@link #model()} is null
     */
    default WorkloadCheck check(History history, Path storeDir) throws IOException {
        Model model = model();
        if (model == null) {
            throw new IllegalStateException(getClass().getName()
                    + " has neither a model() nor a check(): give a model to check linearizability against, or"
                    + " override check");
        }
        return LinearizabilityCheck.check(history, model, storeDir, name(), LinearizabilityCheck.DEFAULT_TIME_LIMIT);
    }
}
