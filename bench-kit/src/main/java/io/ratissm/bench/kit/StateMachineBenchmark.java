package io.ratissm.bench.kit;

import io.ratissm.CommandRejected;
import io.ratissm.Health;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.bench.kit.internal.Precheck;
import java.time.Duration;
import java.util.Random;
import org.openjdk.jmh.annotations.Param;

/**
 * The benchmark you extend to measure your own state machine: write throughput, latency and CPU per command of a
 * 3-replica ratis-sm group running it ({@link RatisSmGroup}: one JVM, loopback gRPC, fsynced logs), beside the same
 * group running a {@link NoOpStateMachine} on the same commands in the same run. The no-op group's figures are the
 * replication cost; the difference is the cost of your code.
 *
 * <pre>{@code
 * public class JobQueueBenchmark extends StateMachineBenchmark {
 *     protected StateMachine newStateMachine() { return new JobQueue(); }
 *
 *     protected CommandGenerator commands() {
 *         return CommandGenerator.messages(random -> JobQueue.enqueue("job-" + random.nextInt(1_000_000)));
 *     }
 * }
 * }</pre>
 *
 * <p>Contract for the subclass:
 * <ul>
 *   <li>it is public, not abstract, with a public constructor without arguments, and is compiled with JMH's
 *       annotation processor ({@code jmh-generator-annprocess}) in your build, which generates the benchmark
 *       {@code YourBenchmark.write} from the method inherited here;</li>
 *   <li>{@link #newStateMachine()} returns a new instance each call: once per replica, and once for the check
 *       below. Instances must not share mutable state (see {@link StateMachine});</li>
 *   <li>{@link #commands()} returns a new generator each call (twice a trial: the check, the load); it may read the
 *       parameters below, e.g. {@link #commandBytes};</li>
 *   <li>to check your state after a trial, override {@link #check(ClosedLoop)} and call {@code super.check} first;
 *       {@link #group()} is the running group.</li>
 * </ul>
 *
 * <p>Parameters (JMH {@code -p name=v1,v2} runs a trial for each combination):
 * <ul>
 *   <li>{@code stateMachine}: {@code YOURS} and {@code NO_OP}, both by default; a trial of each;</li>
 *   <li>{@code mode}: {@link Replication}, ACTIVE by default ({@code -p mode=ACTIVE,PASSIVE} for both);</li>
 *   <li>{@code outstanding}: requests kept in flight by the {@link ClosedLoop}, 16 by default;</li>
 *   <li>{@code commandBytes}: the command size your {@link #commands()} is asked for ({@link
 *       CommandGenerator#randomBytes} uses it), 64 by default; a generator without a size ignores it.</li>
 * </ul>
 *
 * <p>A trial (the rest is {@link ClosedLoopBenchmark}'s): before the group starts, a fresh instance of your state
 * machine applies the generator's first commands in this JVM, so that a constructor or {@code apply} that throws
 * ({@link StateMachineException}), a generator that throws ({@link CommandGeneratorException}), or commands it
 * refuses every time ({@link EveryCommandRejectedException}) fail the trial at once with the cause. The generator
 * is seeded ({@link #seed()}) so both state machines replicate the same commands; one command is sent before the
 * load so the client knows the leader. Every command the state machine refuses with {@link CommandRejected} counts
 * as answered and as rejected; after the load, every replica must have caught up and be healthy (not fail-stopped,
 * not diverged), and not every command may have been rejected.
 *
 * <p>The JMH settings are {@link ReplicatedBenchmark}'s. The report: JMH's table (ops/s of each trial) and a
 * {@code LATENCY} line per trial ({@link LoadReport}); {@link BenchmarkMain} runs JMH and then prints your state
 * machine beside the no-op one with their ratios. {@code bench/README.md} of ratis-sm explains how to read them.
 */
public abstract class StateMachineBenchmark extends ClosedLoopBenchmark {

    /** Which state machine a trial runs. */
    public enum StateMachineUnderTest {
        /** {@link #newStateMachine()}'s. */
        YOURS,
        /** {@link NoOpStateMachine}: the cost of replication alone. */
        NO_OP
    }

    @Param({"YOURS", "NO_OP"})
    public StateMachineUnderTest stateMachine;

    @Param({"ACTIVE"})
    public Replication mode;

    @Param({"16"})
    public int outstanding;

    @Param({"64"})
    public int commandBytes;

    private RatisSmGroup group;
    private String name;
    private long sent;

    /** A new instance of your state machine. */
    protected abstract StateMachine newStateMachine();

    /** A new generator of your commands. */
    protected abstract CommandGenerator commands();

    /** The seed of the generator's {@code Random}; the same for every trial of a run. */
    protected long seed() {
        return 1;
    }

    /** The generator's name in messages. */
    protected String commandsName() {
        return getClass().getName() + ".commands()";
    }

    @Override
    protected ClosedLoop start() throws Exception {
        boolean yours = stateMachine == StateMachineUnderTest.YOURS;
        StateMachine probe = yours
                ? Precheck.make(this::newStateMachine, getClass().getName() + ".newStateMachine()")
                : new NoOpStateMachine();
        name = yours ? probe.getClass().getName() : "the no-op state machine";
        String source = commandsName();
        Precheck.run(probe, name, Precheck.generator(this::commands, source), source, mode, seed());
        CommandGenerator generator = Precheck.generator(this::commands, source);
        Random random = new Random(seed());
        group = RatisSmGroup.start(mode, yours ? this::newStateMachine : NoOpStateMachine::new, b -> {});
        ReplicaClient client = group.client();
        try {
            client.submit(Precheck.next(generator, random, source, ++sent));
        } catch (CommandRejected e) {
            // an answer all the same: the client has found the leader
        }
        return ClosedLoop.async(
                outstanding, () -> client.submitAsync(Precheck.next(generator, random, source, ++sent)));
    }

    @Override
    protected void check(ClosedLoop load) throws Exception {
        group.awaitReplicasApplied(Duration.ofSeconds(DRAIN_SECONDS));
        for (ReplicaServer replica : group.cluster().replicas()) {
            Health health = replica.health();
            if (!health.healthy()) {
                throw new IllegalStateException("replica " + replica.id() + " of " + name
                        + " is unhealthy after the trial: " + health.reason());
            }
        }
        if (load.completed() > 0 && load.rejected() == load.completed()) {
            throw Precheck.everyCommandRejected(
                    name,
                    commandsName(),
                    load.completed() + " commands answered",
                    load.firstRejection().orElse(null));
        }
    }

    @Override
    protected void stop() {
        sent = 0;
        if (group != null) {
            group.close();
            group = null;
        }
    }

    /** The running trial's group (null between trials). */
    protected final RatisSmGroup group() {
        return group;
    }
}
