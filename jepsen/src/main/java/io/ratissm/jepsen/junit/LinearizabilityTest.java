package io.ratissm.jepsen.junit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.nemesis.NemesisCatalog;
import io.ratissm.jepsen.nodes.UserClasses;
import io.ratissm.jepsen.runner.JepsenTest;
import io.ratissm.jepsen.runner.ReplicaAgreement;
import io.ratissm.jepsen.runner.TestOptions;
import io.ratissm.jepsen.runner.TestResult;
import io.ratissm.jepsen.workload.OperationGenerator;
import io.ratissm.jepsen.workload.ReadMode;
import io.ratissm.jepsen.workload.StateMachineWorkload;
import io.ratissm.jepsen.workload.Workload;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A harness run of the user's own {@link StateMachine}, from a test: real {@code ratis-sm server} processes (one JVM
 * per replica, the test's own classpath), real faults, the history checked for linearizability, every replica read at
 * the end. Configure it, {@link #run()} it, and assert on the {@link HarnessResult}:
 *
 * <pre>{@code
 * @Test
 * void jobQueueIsLinearizableUnderKillsAndPartitions() throws Exception {
 *     LinearizabilityTest.of(JobQueue.class)
 *             .generator(new JobQueueGenerator())          // your commands and queries: no model to write
 *             .replication(Replication.PASSIVE)
 *             .nemesis("kill", "partition")
 *             .timeLimit(Duration.ofSeconds(20))
 *             .seed(7)
 *             .run()
 *             .assertLinearizable();                       // fails with the counterexample and the store path
 * }
 * }</pre>
 *
 * <p><b>Two ways to say what the clients do.</b> {@link #generator} is the zero-boilerplate way: an
 * {@link OperationGenerator} of Protobuf commands and queries, and the state machine itself is the model
 * ({@link StateMachineModel}). {@link #workload} takes a hand-written {@link Workload} with its own checker, e.g. a
 * hand model for a state machine whose snapshot the model should not rely on. One of the two is required.
 *
 * <p><b>Where the classes come from.</b> The replicas run this JVM's classpath (under Maven, the test classpath), so a
 * state machine in the project's main or test classes reaches them as it is; {@link #classpath} adds jars or
 * directories. The class must be public, concrete, with a public constructor without arguments (the replicas make it
 * by name), and a nested class must be static.
 *
 * <p><b>Defaults</b> suit a test of about half a minute on a two-core machine: {@value #DEFAULT_NODES} replicas,
 * {@value #DEFAULT_CLIENTS} clients, ACTIVE replication, {@code kill} faults (one replica killed and restarted each
 * window), {@link #DEFAULT_TIME_LIMIT} of load with faults {@link #DEFAULT_FAULT} on and {@link #DEFAULT_HEAL} off,
 * {@link #DEFAULT_RECOVERY} to recover, {@link #DEFAULT_OP_TIMEOUT} per op, seed 0, snapshots every
 * {@value #DEFAULT_SNAPSHOT_EVERY} log entries (so restarted replicas load your snapshots), a check time limit of
 * {@link #DEFAULT_CHECK_TIME_LIMIT}, divergence detection every {@value #DIGEST_EVERY} entries, and the store under
 * {@code target/jepsen-store}. Partitions ({@code partition*}) need root (network namespaces) and clock faults
 * libfaketime; without them {@link #run()} refuses with the reason.
 *
 * <p><b>Replicas are compared at the end.</b> After the final heal the run reads every replica on its own with the
 * same queries ({@link ReplicaAgreement}): those given with {@link #replicaQuery}, else up to
 * {@value #DRAWN_REPLICA_QUERIES} different queries drawn from the generator once the clients are done, else none
 * (health only). Replicas that
 * answer differently, or whose divergence detector judged them diverged, fail {@link HarnessResult#assertLinearizable}
 * even when the history is linearizable: a non-deterministic {@code apply} in ACTIVE mode answers every client alike
 * from the leader and leaves each follower its own state.
 *
 * <p>Not thread-safe; one run at a time per machine (runs wait for no one: a second one fails at once naming the lock).
 * Every setter checks its argument and throws {@link IllegalArgumentException} saying what is wrong.
 */
public final class LinearizabilityTest {
    public static final int DEFAULT_NODES = 3;
    public static final int DEFAULT_CLIENTS = 4;
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_FAULT = Duration.ofSeconds(4);
    public static final Duration DEFAULT_HEAL = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RECOVERY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_OP_TIMEOUT = Duration.ofSeconds(4);
    public static final Duration DEFAULT_CHECK_TIME_LIMIT = Duration.ofSeconds(60);
    public static final long DEFAULT_SNAPSHOT_EVERY = 1_000;
    /** Log entries between the state digests replicas compare, when divergence detection is on. */
    public static final long DIGEST_EVERY = 50;
    /** How many different queries the replica comparison draws from a generator at most. */
    public static final int DRAWN_REPLICA_QUERIES = 8;

    private static final int REPLICA_QUERY_DRAWS = 500;

    private final String stateMachine;
    private OperationGenerator generator;
    private Workload workload;
    private Replication replication = Replication.ACTIVE;
    private List<String> nemeses = List.of("kill");
    private int nodes = DEFAULT_NODES;
    private int clients = DEFAULT_CLIENTS;
    private Duration timeLimit = DEFAULT_TIME_LIMIT;
    private Duration faultDuration = DEFAULT_FAULT;
    private Duration healDuration = DEFAULT_HEAL;
    private Duration recovery = DEFAULT_RECOVERY;
    private Duration opTimeout = DEFAULT_OP_TIMEOUT;
    private Duration checkTimeLimit = DEFAULT_CHECK_TIME_LIMIT;
    private long seed;
    private long snapshotEvery = DEFAULT_SNAPSHOT_EVERY;
    private Path store = Path.of("target", "jepsen-store");
    private final List<Path> classpath = new ArrayList<>();
    private final Map<String, ByteString> replicaQueries = new LinkedHashMap<>();
    private boolean divergenceDetection = true;
    private Function<StateMachine, String> stateDescriber;

    private LinearizabilityTest(String stateMachine) {
        this.stateMachine = stateMachine;
    }

    /**
     * A test of {@code stateMachine}, which the replicas run and (with a {@link #generator}) the checker uses as the
     * model.
     *
     * @throws IllegalArgumentException if it is abstract, not public, a non-static nested class, or has no public
     *                                  constructor without arguments
     */
    public static LinearizabilityTest of(Class<? extends StateMachine> stateMachine) {
        Objects.requireNonNull(stateMachine, "stateMachine");
        checkMakeable(stateMachine);
        return new LinearizabilityTest(stateMachine.getName());
    }

    /**
     * A test of the state machine class named {@code className}, found on this JVM's classpath or in
     * {@link #classpath}; checked when the test {@linkplain #run() runs} (as {@link #of(Class)} checks it, and
     * whether it exists and is a {@link StateMachine}).
     */
    public static LinearizabilityTest of(String className) {
        Objects.requireNonNull(className, "className");
        if (className.isBlank()) {
            throw new IllegalArgumentException("LinearizabilityTest.of: the state machine's class name is blank");
        }
        return new LinearizabilityTest(className.strip());
    }

    /**
     * The clients' commands and queries (the zero-boilerplate way): the state machine is the model. Called by one
     * thread at a time, drawing only from the {@code Random} it is given (seeded from {@link #seed}).
     */
    public LinearizabilityTest generator(OperationGenerator generator) {
        this.generator = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /**
     * A hand-written workload instead of a {@link #generator} (or a bundled one, e.g. {@code new SetWorkload()} for a
     * state machine that speaks the bundled set's commands): what the clients do and its own checker. It runs
     * against replicas of this test's state machine (whatever its {@link Workload#stateMachine()} says). A fresh
     * instance per run: a workload keeps state.
     */
    public LinearizabilityTest workload(Workload workload) {
        this.workload = Objects.requireNonNull(workload, "workload");
        return this;
    }

    /** ACTIVE (every replica applies every command; the default) or PASSIVE (the leader executes, effects ship). */
    public LinearizabilityTest replication(Replication replication) {
        this.replication = Objects.requireNonNull(replication, "replication");
        return this;
    }

    /**
     * The faults, taken in turn, one per fault window: {@code kill}, {@code kill-leader}, {@code kill-minority},
     * {@code kill-all}, {@code pause*}, {@code partition}, {@code partition-leader}, {@code partition-one}, {@code
     * partition-ring}, {@code snapshot}, {@code clock-*}, {@code disk-full*}, {@code corrupt}; several joined with
     * {@code +} strike in the same window ({@code snapshot+kill-all}); {@code none} for no faults. Default {@code
     * kill}.
     *
     * @throws IllegalArgumentException naming an unknown fault and the known ones
     */
    public LinearizabilityTest nemesis(String... faults) {
        if (faults.length == 0) {
            throw new IllegalArgumentException("nemesis: name at least one fault, or \"none\" for no faults");
        }
        for (String f : faults) {
            String problem = NemesisCatalog.problem(Objects.requireNonNull(f, "fault"));
            if (problem != null) {
                throw new IllegalArgumentException("nemesis: " + problem);
            }
        }
        this.nemeses = List.of(faults);
        return this;
    }

    /** How many replicas, each its own process (default {@value #DEFAULT_NODES}; 3 or 5 are the usual). */
    public LinearizabilityTest nodes(int nodes) {
        this.nodes = atLeastOne("nodes", nodes);
        return this;
    }

    /** How many client processes run operations at once (default {@value #DEFAULT_CLIENTS}). */
    public LinearizabilityTest clients(int clients) {
        this.clients = atLeastOne("clients", clients);
        return this;
    }

    /** How long the clients run and faults strike (default {@link #DEFAULT_TIME_LIMIT}). */
    public LinearizabilityTest timeLimit(Duration timeLimit) {
        this.timeLimit = positive("timeLimit", timeLimit);
        return this;
    }

    /**
     * The fault cycle: each fault lasts {@code fault}, with {@code heal} of quiet before the first and between faults
     * (defaults {@link #DEFAULT_FAULT} and {@link #DEFAULT_HEAL}).
     */
    public LinearizabilityTest faultCycle(Duration fault, Duration heal) {
        this.faultDuration = positive("faultCycle fault", fault);
        this.healDuration = positive("faultCycle heal", heal);
        return this;
    }

    /** Quiet time after the last fault heals, before the final reads (default {@link #DEFAULT_RECOVERY}). */
    public LinearizabilityTest recovery(Duration recovery) {
        this.recovery = positive("recovery", recovery);
        return this;
    }

    /** Per-op client timeout: past it a command is {@code :info} and a query {@code :fail} (default 4 s). */
    public LinearizabilityTest opTimeout(Duration opTimeout) {
        this.opTimeout = positive("opTimeout", opTimeout);
        return this;
    }

    /** Seeds every random choice of the clients and the nemesis (default 0). Timing still varies between runs. */
    public LinearizabilityTest seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The store's root: each run writes {@code <root>/<test>/<timestamp>/} and links {@code <root>/latest} to it
     * (default {@code target/jepsen-store}, relative to the working directory: the module's under Maven).
     */
    public LinearizabilityTest store(Path root) {
        this.store = Objects.requireNonNull(root, "root");
        return this;
    }

    /** Jars or directories the state machine needs besides this JVM's classpath, for the replicas and the model. */
    public LinearizabilityTest classpath(Path... entries) {
        for (Path p : entries) {
            classpath.add(Objects.requireNonNull(p, "classpath entry"));
        }
        return this;
    }

    /** The linearizability check's time budget; past it the verdict is unknown (default 60 s). */
    public LinearizabilityTest checkTimeLimit(Duration limit) {
        this.checkTimeLimit = positive("checkTimeLimit", limit);
        return this;
    }

    /** Log entries between the replicas' automatic snapshots (default {@value #DEFAULT_SNAPSHOT_EVERY}). */
    public LinearizabilityTest snapshotEvery(long entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("snapshotEvery: at least 1 log entry, not " + entries);
        }
        this.snapshotEvery = entries;
        return this;
    }

    /**
     * A query every replica answers on its own at the end, compared across replicas (see the class comment); named
     * {@code name} in reports. Giving any replaces the queries drawn from the generator.
     */
    public LinearizabilityTest replicaQuery(String name, Message query) {
        return replicaQuery(name, Objects.requireNonNull(query, "query").toByteString());
    }

    /** As {@link #replicaQuery(String, Message)}, for a state machine of plain bytes. */
    public LinearizabilityTest replicaQuery(String name, ByteString query) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
        if (replicaQueries.putIfAbsent(name, query) != null) {
            throw new IllegalArgumentException("replicaQuery: a query named '" + name + "' was given already");
        }
        return this;
    }

    /**
     * Whether the replicas compare digests of their states every {@value #DIGEST_EVERY} log entries, each second
     * (default on; {@code ratis-sm server}'s own default of every 10,000 entries would not fire in a short run). A
     * replica that finds itself in the minority fail-stops, and when no state has a majority every replica refuses
     * to serve; its {@code /status} then says {@code diverged: ...}. Off, only the final comparison of the replicas
     * sees a divergence.
     */
    public LinearizabilityTest divergenceDetection(boolean on) {
        this.divergenceDetection = on;
        return this;
    }

    /**
     * How the counterexample shows a model state: {@code describe} renders the state machine instance holding it.
     * Default: the class's own {@code toString()}, if it declares one, else the snapshot's size and hash.
     */
    public LinearizabilityTest describeStatesWith(Function<StateMachine, String> describe) {
        this.stateDescriber = Objects.requireNonNull(describe, "describe");
        return this;
    }

    /**
     * Why {@code fault} (a name {@link #nemesis} takes) cannot strike on this machine, or empty if it can:
     * partitions need network namespaces (root), clock faults libfaketime, disk-full a tmpfs per replica (root).
     * {@link #run} refuses a fault that cannot strike; a test meant for every machine asks first, e.g. {@code
     * assumeTrue(LinearizabilityTest.whyUnavailable("partition").isEmpty())}, or leaves the fault out.
     *
     * @throws IllegalArgumentException for an unknown fault
     */
    public static Optional<String> whyUnavailable(String fault) {
        String problem = NemesisCatalog.problem(Objects.requireNonNull(fault, "fault"));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return Optional.ofNullable(NemesisCatalog.whyUnavailable(fault));
    }

    /**
     * Runs the test: starts the replicas, runs the clients and the faults for the time limit, heals, recovers,
     * compares the replicas, stops everything and checks the history. Takes about the time limit plus 15 s of
     * start-up, recovery and checking.
     *
     * @throws IllegalArgumentException if the state machine cannot be found or made, neither or both of a generator
     *                                  and a workload were given, or a fault needs what this machine lacks (root for
     *                                  partitions, libfaketime for clocks)
     * @throws IllegalStateException    if another harness run holds the machine-wide lock, or the replicas never
     *                                  became ready (their logs are in the store)
     * @throws IOException              if the store cannot be written
     */
    public HarnessResult run() throws IOException, InterruptedException {
        if (generator == null && workload == null) {
            throw new IllegalArgumentException("LinearizabilityTest of " + stateMachine + ": say what the clients do,"
                    + " with .generator(...) (your commands and queries; the state machine is its own model) or"
                    + " .workload(...) (a hand-written workload with its own checker)");
        }
        if (generator != null && workload != null) {
            throw new IllegalArgumentException("LinearizabilityTest of " + stateMachine + ": give .generator(...) or"
                    + " .workload(...), not both");
        }
        Class<? extends StateMachine> type = load(stateMachine, classpath);
        Supplier<StateMachine> factory = StateMachineWorkload.stateMachineFactory(stateMachine, classpath);
        Workload w = workload != null ? workload : new StateMachineWorkload(type, generator, checkTimeLimit);
        TestOptions options = new TestOptions(
                w.name(),
                nemeses,
                replication,
                nodes,
                clients,
                timeLimit,
                faultDuration,
                healDuration,
                recovery,
                opTimeout,
                ReadMode.LINEARIZABLE,
                seed,
                store,
                snapshotEvery,
                false,
                Duration.ZERO,
                false,
                ClockFaults.DEFAULTS,
                stateMachine,
                classpath,
                generator == null ? null : generator.getClass().getName());
        List<String> replicaConfig = divergenceDetection
                ? List.of("digest.every = " + DIGEST_EVERY, "divergence.check-interval = 1s")
                : List.of("digest.every = 0");
        TestResult r = new JepsenTest(options, System.out)
                .withWorkload(w)
                .withReplicaConfig(replicaConfig)
                .withReplicaCheck(this::replicaQueries) // drawn after the run: the generator may keep state
                .run();
        StateDescriber states = new StateDescriber(factory, describer(type));
        return new HarnessResult(
                type.getSimpleName(),
                replication + ", " + nodes + " replicas, " + clients + " clients, faults " + nemeses + ", seed " + seed,
                r.verdict(),
                r.check().details(),
                HarnessResult.counterexampleOf(r.check().details(), states::describe),
                r.replicas(),
                r.counts(),
                r.clientRetries(),
                r.storeDir());
    }

    /** The replica queries given, or else those drawn from the generator, or else none. */
    private List<ReplicaAgreement.Query> replicaQueries() {
        List<ReplicaAgreement.Query> queries = new ArrayList<>();
        replicaQueries.forEach((name, bytes) -> queries.add(new ReplicaAgreement.Query(name, bytes)));
        if (!queries.isEmpty() || generator == null) {
            return queries;
        }
        Random draws = new Random(seed);
        Set<ByteString> seen = new HashSet<>();
        Map<String, Integer> perName = new LinkedHashMap<>();
        for (int i = 0; i < REPLICA_QUERY_DRAWS && queries.size() < DRAWN_REPLICA_QUERIES; i++) {
            OperationGenerator.Request r = generator.next(draws);
            if (r == null || !r.query() || !seen.add(r.message().toByteString())) {
                continue;
            }
            int n = perName.merge(r.f(), 1, Integer::sum);
            queries.add(new ReplicaAgreement.Query(
                    n == 1 ? r.f() : r.f() + "#" + n, r.message().toByteString()));
        }
        return queries;
    }

    private Function<StateMachine, String> describer(Class<? extends StateMachine> type) {
        if (stateDescriber != null) {
            return stateDescriber;
        }
        try {
            if (type.getMethod("toString").getDeclaringClass() != Object.class) {
                return StateMachine::toString;
            }
        } catch (NoSuchMethodException e) {
            // every class has toString
        }
        return null;
    }

    /** Renders a counterexample's model state for reading (see {@link #describeStatesWith}). */
    private record StateDescriber(Supplier<StateMachine> factory, Function<StateMachine, String> describe) {
        String describe(Object state) {
            if (describe == null || !(state instanceof StateMachineModel.Snapshot snapshot)) {
                return String.valueOf(state);
            }
            try {
                StateMachine sm = factory.get();
                sm.readSnapshot(snapshot.bytes().newInput());
                return describe.apply(sm);
            } catch (IOException | RuntimeException e) {
                return snapshot + " (not described: " + e + ")";
            }
        }
    }

    private static Class<? extends StateMachine> load(String name, List<Path> classpath) {
        String where = classpath.isEmpty()
                ? "on the test's classpath; add its jar or directory with .classpath(...)"
                : "on the test's classpath or in " + classpath;
        Class<?> type;
        try {
            type = Class.forName(name, false, UserClasses.loader(classpath));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("LinearizabilityTest.of: no class " + name + " " + where);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("LinearizabilityTest.of: class " + name + " does not load (" + e
                    + "); are the jars it needs on the classpath?");
        }
        if (!StateMachine.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(
                    "LinearizabilityTest.of: class " + name + " is not a " + StateMachine.class.getName());
        }
        Class<? extends StateMachine> sm = type.asSubclass(StateMachine.class);
        checkMakeable(sm);
        return sm;
    }

    /** The replicas make the class by name with its public constructor without arguments. */
    private static void checkMakeable(Class<? extends StateMachine> type) {
        String name = type.getName();
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("LinearizabilityTest.of: " + name + " is abstract; name the concrete"
                    + " state machine the replicas should run");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("LinearizabilityTest.of: " + name + " is not public; the replicas make"
                    + " it by name, so it must be a public class");
        }
        if (type.isLocalClass() || type.isAnonymousClass()) {
            throw new IllegalArgumentException("LinearizabilityTest.of: " + name + " is a local or anonymous class;"
                    + " the replicas make the state machine by name, so it must be a public top-level or static nested"
                    + " class");
        }
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            throw new IllegalArgumentException("LinearizabilityTest.of: " + name + " is an inner class; make it"
                    + " static (the replicas make it without an enclosing instance)");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("LinearizabilityTest.of: " + name + " has no public constructor"
                    + " without arguments, which the replicas and the model make it with");
        }
    }

    private static int atLeastOne(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + ": at least 1, not " + n);
        }
        return n;
    }

    private static Duration positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + ": must be positive, not " + d);
        }
        return d;
    }
}
