package io.ratissm.jepsen.runner;

import io.ratissm.MetricNames;
import io.ratissm.ReplicaClient;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.nemesis.Nemesis;
import io.ratissm.jepsen.nemesis.NemesisCatalog;
import io.ratissm.jepsen.nemesis.NemesisSchedule;
import io.ratissm.jepsen.net.Networks;
import io.ratissm.jepsen.net.TestNetwork;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.Faketime;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.jepsen.nodes.NodeSettings;
import io.ratissm.jepsen.nodes.NodeStateMachine;
import io.ratissm.jepsen.nodes.ShardSet;
import io.ratissm.jepsen.nodes.UserClasses;
import io.ratissm.jepsen.perf.PerfPlots;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.ReadMode;
import io.ratissm.jepsen.workload.Workload;
import io.ratissm.jepsen.workload.WorkloadCheck;
import io.ratissm.jepsen.workload.Workloads;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.ShardedClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One harness run, start to verdict: build the network, start the replicas as processes, run the clients and
 * the nemesis for the time limit, heal everything, let the cluster recover, run the final reads (and, if asked, read
 * every replica on its own: {@link ReplicaAgreement}), stop the replicas, tear the network down, then check the
 * history and write the store. Processes, namespaces and rules are removed on every exit path, and by a shutdown hook
 * if the harness JVM is interrupted.
 */
public final class JepsenTest {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /**
     * Each replica's own filesystem when a nemesis fills disks: room for the log (8 MiB segments) and two snapshots
     * of a run of several minutes, small enough to fill at once.
     */
    static final long DISK_BYTES = 64L << 20;
    /**
     * How long the replicas get to serve again and catch up with each other before {@link ReplicaAgreement} reads
     * them: a replica the final heal restarted needs a JVM start and an election on a loaded machine.
     */
    private static final Duration REPLICA_CATCH_UP = Duration.ofSeconds(20);
    /**
     * How long one step of the shard admin may take in a sharded run: a read of the map, a shard group's creation,
     * one step of a move (the new replica catching up, a leadership transfer, a removal).
     */
    private static final Duration SHARD_ADMIN_TIMEOUT = Duration.ofSeconds(15);
    /** How long the end of a sharded run waits for a move still in flight (one held up by a fault) to finish. */
    private static final Duration MOVES_DONE_WAIT = Duration.ofMinutes(5);

    private final TestOptions options;
    private final PrintStream console;
    /** The caller's workload, or null for the one {@code options.workload()} names. */
    private final Workload workload;

    private final List<String> replicaConfig;
    /** The queries {@link ReplicaAgreement} reads every replica with, asked for once the clients are done; null for no such check. */
    private final Supplier<List<ReplicaAgreement.Query>> replicaQueries;

    public JepsenTest(TestOptions options, PrintStream console) {
        this(options, console, null, List.of(), null);
    }

    private JepsenTest(
            TestOptions options,
            PrintStream console,
            Workload workload,
            List<String> replicaConfig,
            Supplier<List<ReplicaAgreement.Query>> replicaQueries) {
        this.options = options;
        this.console = console;
        this.workload = workload;
        this.replicaConfig = List.copyOf(replicaConfig);
        this.replicaQueries = replicaQueries;
    }

    /**
     * This test with {@code workload}, made by the caller (a user's own), instead of the one {@code
     * options.workload()} names; that name still names the run in the store, so it should be the workload's.
     */
    public JepsenTest withWorkload(Workload workload) {
        return new JepsenTest(options, console, workload, replicaConfig, replicaQueries);
    }

    /**
     * This test with {@code lines} ({@code key = value} in {@code ratis-sm server}'s keys) added to every replica's
     * configuration file, e.g. {@code digest.every = 100} so that a short run compares the replicas' states.
     */
    public JepsenTest withReplicaConfig(List<String> lines) {
        return new JepsenTest(options, console, workload, lines, replicaQueries);
    }

    /**
     * This test, checking at the end that every replica holds the same state ({@link ReplicaAgreement}) by reading
     * each with the queries {@code queries} gives once the clients are done (none: their health and applied index
     * only). The result is {@link
     * TestResult#replicas()} and {@code :replicas} in {@code results.edn}; it does not change the verdict.
     */
    public JepsenTest withReplicaCheck(Supplier<List<ReplicaAgreement.Query>> queries) {
        return new JepsenTest(options, console, workload, replicaConfig, queries);
    }

    /** Runs the test; see the class comment. */
    public TestResult run() throws IOException, InterruptedException {
        Workload workload = this.workload != null ? this.workload : Workloads.create(options.workload(), options);
        requireUsable(workload);
        requireShardable(workload);
        NodeStateMachine stateMachine = options.stateMachine() == null
                ? NodeStateMachine.of(workload.stateMachine(), options.classpath())
                : NodeStateMachine.named(options.stateMachine(), options.classpath());
        // A fresh workload, so that the test's own starts from the beginning of its generator. A caller's own
        // workload instance (LinearizabilityTest) cannot be made afresh, so it is not run sequentially first.
        String sequentialRun = this.workload != null
                ? "a caller's workload: no sequential run before the test"
                : SequentialRun.check(
                        Workloads.create(options.workload(), options), stateMachine.instances(), options.seed());
        List<String> ids =
                IntStream.rangeClosed(1, options.nodes()).mapToObj(i -> "n" + i).toList();
        for (String nemesis : options.nemeses()) {
            String unavailable = NemesisCatalog.whyUnavailable(nemesis);
            if (unavailable != null) {
                throw new IllegalArgumentException(unavailable);
            }
        }
        try (HarnessLock lock = HarnessLock.acquire()) {
            Path run = Store.newRun(options.storeRoot(), options.testName());
            Path data = Files.createTempDirectory("rsmj-data");
            try (RunLog log = new RunLog(run.resolve("jepsen.log"))) {
                log.info("jepsen.core", sequentialRun);
                return run(workload, stateMachine, ids, run, data, log);
            } finally {
                deleteTree(data);
                Store.linkLatest(options.storeRoot(), run);
            }
        }
    }

    /** Refuses, before anything starts, a workload that names no state machine or has nothing to check with. */
    private void requireUsable(Workload workload) {
        String problem = null;
        if (options.stateMachine() == null && workload.stateMachine() == null) {
            problem = "its stateMachine() returned null; return the class of the replicas' StateMachine, or name it"
                    + " with --state-machine";
        } else if (workload.model() == null && !declaresOwnCheck(workload.getClass())) {
            problem = "it has neither a model() nor a check() of its own: give a model to check linearizability"
                    + " against, or override check";
        }
        if (problem != null) {
            throw new UserClasses.UnusableClassException(
                    Workload.class, "--workload " + options.workload() + ": " + problem, null);
        }
    }

    /**
     * Refuses, before anything starts, a sharded run of a workload without keys: a sharded deployment routes each op by
     * its key ({@link Workload#shardKey}), and has no transactions across shards.
     */
    private void requireShardable(Workload workload) {
        if (options.sharded() && !declaresShardKey(workload.getClass())) {
            throw new IllegalArgumentException("--shards needs a workload whose ops each read or change one key, which"
                    + " routes it to its shard (Workload.shardKey), checked per key: register, or your own workload"
                    + " that overrides shardKey; --workload " + options.workload() + " has no keys");
        }
    }

    private static boolean declaresShardKey(Class<?> type) {
        try {
            return type.getMethod("shardKey", Invocation.class).getDeclaringClass() != Workload.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Workload.shardKey is public", e);
        }
    }

    private static boolean declaresOwnCheck(Class<?> type) {
        try {
            return type.getMethod("check", History.class, Path.class).getDeclaringClass() != Workload.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Workload.check is public", e);
        }
    }

    private TestResult run(
            Workload workload, NodeStateMachine stateMachine, List<String> ids, Path run, Path data, RunLog log)
            throws IOException, InterruptedException {
        log.info("jepsen.core", "test " + options.testName() + " seed " + options.seed() + " " + options);
        HistoryRecorder history = new HistoryRecorder(log);
        Random seeds = new Random(options.seed());
        Phases phases;
        try (TestNetwork network = Networks.create(ids, true)) {
            log.info("jepsen.net", network.describe());
            log.info(
                    "jepsen.db",
                    Faketime.library()
                            .map(lib -> "replicas run under " + lib)
                            .orElse("replicas run with real clocks: " + Faketime.whyUnavailable()));
            NodeSettings settings = new NodeSettings(
                    stateMachine,
                    options.replication(),
                    options.snapshotEvery(),
                    Duration.ofSeconds(1),
                    options.executeDelay(),
                    options.leaseReads(),
                    wantsDisks() ? DISK_BYTES : 0,
                    replicaConfig,
                    options.sharded());
            Cluster cluster = Cluster.create(ids, network, settings, data, run);
            if (wantsDisks()) {
                log.info(
                        "jepsen.db",
                        "each replica's storage is a tmpfs of " + DISK_BYTES + " bytes; replicas "
                                + "preallocate their log in small steps");
            }
            Thread cleanup = new Thread(
                    () -> {
                        cluster.close();
                        network.close();
                        try {
                            deleteTree(data); // the normal path's finally does not run when the JVM is terminated
                        } catch (IOException e) {
                            // best effort while the JVM exits
                        }
                    },
                    "jepsen cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                cluster.startAll();
                log.info(
                        "jepsen.db",
                        "started replicas " + ids + " (ratis-sm server, " + options.replication() + ", state machine "
                                + stateMachine.name()
                                + (stateMachine.classpath().isEmpty() ? "" : " from " + stateMachine.classpath())
                                + (options.sharded() ? ", sharded = true: their own group is the placement group" : "")
                                + ")");
                phases = runPhases(workload, cluster, history, seeds, log);
                logReplicas(cluster, options.sharded(), log);
            } finally {
                cluster.close();
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
        History h = history.history();
        HistoryWriter.writeStore(h, run);
        WorkloadCheck check = workload.check(h, run);
        HistoryRecorder.Counts counts = history.counts();
        writeResults(run, check, counts, phases);
        try {
            PerfPlots.write(h, phases.faultWindows(), run);
        } catch (RuntimeException e) {
            log.info("jepsen.checker.perf", "plots not written: " + e);
        }
        log.info("jepsen.core", "valid? " + check.verdict().text());
        return new TestResult(
                check.verdict(), check, counts, run, phases.replicas(), phases.clientRetries(), phases.shards());
    }

    /**
     * What the phases of a run leave besides the history: the fault windows, the replicas' agreement (null if not
     * asked for), the clients' retries (-1 if not counted) and the shards at the end (null in an unsharded run).
     */
    private record Phases(
            List<long[]> faultWindows, ReplicaAgreement replicas, long clientRetries, ShardReport shards) {}

    private Phases runPhases(Workload workload, Cluster cluster, HistoryRecorder history, Random seeds, RunLog log)
            throws InterruptedException {
        List<ReplicaClient> clients = new ArrayList<>();
        List<ShardedClient> shardedClients = new ArrayList<>();
        ShardSet shards = options.sharded()
                ? new ShardSet(
                        cluster,
                        TestOptions.SHARD_SET,
                        options.shards(),
                        options.replicasPerShard(),
                        SHARD_ADMIN_TIMEOUT)
                : null;
        ExecutorService calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jepsen client call");
            t.setDaemon(true);
            return t;
        });
        // The harness waits a little longer than the client's own timeout, so that the client's answer (with
        // its reason) normally arrives first and the harness's own limit only catches calls that hang.
        Duration harnessTimeout = options.opTimeout().plus(Duration.ofSeconds(1));
        try {
            // Per client process one client for commands and one for queries, plus one for set-up and final reads;
            // in a sharded run each is a ShardedClient, which routes every op by its key to the shard that owns it.
            IntFunction<Transport> clientsOf;
            if (shards == null) {
                for (int i = 0; i <= 2 * options.concurrency(); i++) {
                    clients.add(ReplicaClient.builder()
                            .peers(cluster.clientPeers())
                            .timeout(options.opTimeout())
                            .build());
                }
                clientsOf = null;
            } else {
                createShards(shards, cluster, log);
                for (int i = 0; i <= 2 * options.concurrency(); i++) {
                    shardedClients.add(ShardedClient.builder()
                            .peers(shards.placementPeers())
                            .timeout(options.opTimeout())
                            .build());
                }
                clientsOf = i -> new ShardedTransport(
                        shardedClients.get(i),
                        shardedClients.get(i == 2 * options.concurrency() ? i : options.concurrency() + i));
            }
            // The random sources are drawn in the same order in both kinds of run, so that a seed makes the same ops.
            Random setupRandom = new Random(seeds.nextLong());
            Transport setup = shards == null
                    ? new Reader(
                            clients.get(2 * options.concurrency()),
                            clients.get(2 * options.concurrency()),
                            ReadMode.LINEARIZABLE,
                            cluster.ids(),
                            setupRandom)
                    : clientsOf.apply(2 * options.concurrency());
            awaitReady(workload, setup, cluster, harnessTimeout, calls);
            log.info("jepsen.core", "cluster ready, leader " + cluster.leader().orElse("unknown"));

            List<Nemesis> nemeses = NemesisCatalog.create(
                    options.nemeses(),
                    cluster,
                    new Random(seeds.nextLong()),
                    options.clockFaults(),
                    shards,
                    message -> log.info("jepsen.nemesis", message));
            NemesisSchedule schedule =
                    new NemesisSchedule(nemeses, options.faultDuration(), options.healDuration(), history);
            long deadline = System.nanoTime() + options.timeLimit().toNanos();
            List<Thread> workers = new ArrayList<>();
            AtomicReference<Throwable> workerFailure = new AtomicReference<>();
            for (int i = 0; i < options.concurrency(); i++) {
                Random readerRandom = new Random(seeds.nextLong());
                Transport transport = shards == null
                        ? new Reader(
                                clients.get(i),
                                clients.get(options.concurrency() + i),
                                options.readMode(),
                                cluster.ids(),
                                readerRandom)
                        : clientsOf.apply(i);
                ClientWorker worker = new ClientWorker(
                        i,
                        options.concurrency(),
                        workload,
                        transport,
                        history,
                        new Random(seeds.nextLong()),
                        harnessTimeout,
                        calls);
                Thread t = new Thread(() -> worker.runUntil(deadline), "jepsen worker " + i);
                t.setDaemon(true);
                // A worker that throws (a workload's bug, e.g. an op without a shard key) fails the run below.
                t.setUncaughtExceptionHandler((thread, e) -> workerFailure.compareAndSet(null, e));
                workers.add(t);
            }
            Progress progress = new Progress(console, history, schedule, options.progress());
            schedule.start();
            workers.forEach(Thread::start);
            progress.start();
            for (Thread t : workers) {
                t.join();
            }
            schedule.finish();
            if (shards != null) {
                // A move that outlived its window (one a partition held up) must end before the final reads and the
                // final look at the shards; so must a move an admin left recorded in the map.
                List<Object> ended = shards.endAbandonedMoves(MOVES_DONE_WAIT, m -> log.info("jepsen.nemesis", m));
                if (!ended.contains(Keyword.of("moves-in-flight"))) {
                    log.info(
                            "jepsen.nemesis",
                            "move-shard: no move in flight at the end"
                                    + (ended.isEmpty() ? "" : "; abandoned moves ended: " + EdnWriter.write(ended)));
                }
            }
            if (workerFailure.get() != null) {
                progress.stop();
                throw new IllegalStateException(
                        "a client worker stopped: " + workerFailure.get().getMessage(), workerFailure.get());
            }
            log.info("jepsen.core", "clients done; everything healed; recovering for " + options.recovery());
            Thread.sleep(options.recovery().toMillis()); // the recovery period is part of the test's timetable
            runFinal(workload, setup, history, options.concurrency() * 1000L, harnessTimeout, calls);
            progress.stop();
            ReplicaAgreement replicas = null;
            if (replicaQueries != null && shards != null) {
                replicas = new ReplicaAgreement(
                        ReplicaAgreement.Outcome.UNKNOWN,
                        "not compared: in a sharded run a query goes to the shard of its key, so the replicas'"
                                + " states are not read; :shards gives each shard's replicas' applied indexes",
                        List.of());
                log.info("jepsen.core", "replicas " + replicas.outcome() + ": " + replicas.summary());
            } else if (replicaQueries != null) {
                replicas = ReplicaAgreement.check(
                        cluster, clients.get(2 * options.concurrency()), replicaQueries.get(), REPLICA_CATCH_UP);
                log.info("jepsen.core", "replicas " + replicas.outcome() + ": " + replicas.summary());
            }
            ShardReport shardReport = null;
            if (shards != null) {
                shardReport = ShardReport.check(shards, cluster, REPLICA_CATCH_UP);
                for (ShardReport.Shard s : shardReport.shards()) {
                    log.info("jepsen.db", "at the end shard " + s.index() + ": " + s.describe());
                }
                log.info("jepsen.core", "shards " + shardReport.line() + ": " + shardReport.summary());
            }
            long retries = shards != null
                    ? -1 // a ShardedClient keeps no count of its shard clients' retries
                    : clients.stream()
                            .mapToLong(c -> c.metrics()
                                    .counter(MetricNames.Client.RETRIES)
                                    .getCount())
                            .sum();
            return new Phases(schedule.windows(), replicas, retries, shardReport);
        } finally {
            calls.shutdownNow();
            clients.forEach(ReplicaClient::close);
            shardedClients.forEach(ShardedClient::close);
            if (shards != null) {
                shards.close();
            }
        }
    }

    /**
     * Creates the shard set once the placement group (the servers' own group) has a leader, and makes it again after
     * a failure (a server that does not answer yet) until {@link #READY_TIMEOUT}: a creation that failed half way
     * may simply be made again.
     */
    private static void createShards(ShardSet shards, Cluster cluster, RunLog log) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no replica reported a leader of the placement group";
        while (System.nanoTime() < deadline) {
            if (cluster.nodes().stream().noneMatch(NodeProcess::isAlive)) {
                throw new IllegalStateException("every replica exited during start-up; see "
                        + cluster.node(cluster.ids().get(0)).logFile());
            }
            if (cluster.leader().isEmpty()) {
                pause(Duration.ofMillis(250));
                continue;
            }
            try {
                ShardMap map = shards.create();
                log.info(
                        "jepsen.db",
                        "created shard set " + shards.name() + " of " + shards.count() + " shards, "
                                + shards.replicas() + " replicas each, map version " + map.version() + ": "
                                + map.shards().stream()
                                        .map(s -> s.group() + " on "
                                                + s.members().stream()
                                                        .map(ShardSet::idOf)
                                                        .toList())
                                        .collect(Collectors.joining(", ")));
                return;
            } catch (RuntimeException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.info("jepsen.db", "the shard set is not created yet: " + last);
                pause(Duration.ofSeconds(1));
            }
        }
        throw new IllegalStateException(
                "the shard set could not be created within " + READY_TIMEOUT + " (" + last + "); see the node logs");
    }

    private boolean wantsDisks() {
        return options.nemeses().stream().anyMatch(NemesisCatalog::needsDisks);
    }

    /**
     * What each replica says at the end (alive, applied index, healthy), so that a replica a fault left behind shows
     * in {@code jepsen.log}.
     */
    private static void logReplicas(Cluster cluster, boolean sharded, RunLog log) {
        if (sharded) {
            log.info("jepsen.db", "at the end, each server in the placement group (its shards' groups: above)");
        }
        for (NodeProcess n : cluster.nodes()) {
            String state = !n.isAlive()
                    ? "down (exit " + n.exitCode().orElse(-1) + ")"
                    : n.status()
                            .map(s -> "applied " + s.appliedIndex() + ", term " + s.term()
                                    + (s.leader() ? ", leader" : "") + (s.healthy() ? "" : ", unhealthy"))
                            .orElse("not reporting");
            log.info("jepsen.db", "at the end " + n.id() + ": " + state);
        }
    }

    /**
     * Runs the workload's set-up ops, each until it completes (its linearizable read shows that the group serves), or
     * for a workload without any waits until a replica reports a leader.
     */
    private void awaitReady(
            Workload workload, Transport reader, Cluster cluster, Duration timeout, ExecutorService calls) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no replica reported a leader";
        List<Invocation> setUp = new ArrayList<>(workload.setUp());
        while (System.nanoTime() < deadline) {
            if (cluster.nodes().stream().noneMatch(NodeProcess::isAlive)) {
                // e.g. a replication mode this build refuses: say so now instead of waiting out the timeout
                throw new IllegalStateException("every replica exited during start-up; see "
                        + cluster.node(cluster.ids().get(0)).logFile());
            }
            if (setUp.isEmpty()) {
                if (cluster.leader().isPresent()) {
                    return;
                }
                pause(Duration.ofMillis(250));
                continue;
            }
            Invocation op = setUp.get(0);
            ClientWorker.requireKey(workload, reader, op);
            try {
                Completion c = ClientWorker.call(workload, reader, op, timeout, calls);
                if (ClientWorker.neverApplied(c)) { // e.g. no replica listens yet: not ready, nothing refused
                    last = EdnWriter.write(c.error());
                    pause(Duration.ofMillis(250));
                    continue;
                }
                if (c.type() != OpType.OK) {
                    throw new IllegalStateException(
                            "workload set-up op :" + op.f() + " was refused: " + EdnWriter.write(c.error()));
                }
                setUp.remove(0);
                if (setUp.isEmpty()) {
                    return;
                }
            } catch (ClientWorker.OutcomeUnknown e) {
                last = e.getMessage(); // not ready yet: the client itself waits up to its timeout per attempt
            }
        }
        throw new IllegalStateException(
                "the cluster did not become ready within " + READY_TIMEOUT + " (" + last + "); see the node logs");
    }

    /**
     * The final ops (e.g. the set's final read), each retried as a new process until it succeeds or the
     * recovery budget runs out, so that the checkers get the truth after the faults.
     */
    private void runFinal(
            Workload workload,
            Transport reader,
            HistoryRecorder history,
            long firstProcess,
            Duration timeout,
            ExecutorService calls) {
        ClientWorker finalClient = new ClientWorker(
                (int) firstProcess, 1, workload, reader, history, new Random(options.seed()), timeout, calls);
        long deadline = System.nanoTime()
                + Math.max(options.recovery().toNanos(), Duration.ofSeconds(30).toNanos());
        for (Invocation op : workload.finalInvocations()) {
            while (System.nanoTime() < deadline && finalClient.runOnce(op) != OpType.OK) {
                pause(Duration.ofMillis(250)); // back off between attempts when a refusal comes back at once
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeResults(Path run, WorkloadCheck check, HistoryRecorder.Counts counts, Phases phases)
            throws IOException {
        Map<Keyword, Object> stats = new LinkedHashMap<>();
        stats.put(Keyword.of("ok-count"), counts.ok());
        stats.put(Keyword.of("fail-count"), counts.fail());
        stats.put(Keyword.of("info-count"), counts.info());
        // nil in a sharded run: a ShardedClient keeps no count of its retries
        stats.put(Keyword.of("client-retries"), phases.clientRetries() < 0 ? null : phases.clientRetries());
        Map<Keyword, Object> top = new LinkedHashMap<>();
        top.put(Keyword.of("valid?"), check.verdict().ednValue());
        top.put(Keyword.of("test"), options.testName());
        top.put(Keyword.of("seed"), options.seed());
        top.put(Keyword.of("stats"), stats);
        top.put(Keyword.of("workload"), check.details());
        if (phases.replicas() != null) {
            top.put(Keyword.of("replicas"), phases.replicas().toEdn());
        }
        if (phases.shards() != null) {
            top.put(Keyword.of("shards"), phases.shards().toEdn());
        }
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<Keyword, Object> e : top.entrySet()) {
            sb.append(first ? "" : ",\n ").append(e.getKey()).append(' ').append(EdnWriter.write(e.getValue()));
            first = false;
        }
        Files.writeString(run.resolve("results.edn"), sb.append("}\n").toString());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
