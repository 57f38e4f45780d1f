package io.ratissm.cli.demo;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.UnavailableException;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.KvReply;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ratis-sm demo}: a 3-replica {@link KvStore} group on this machine under a mixed read/write/CAS load, with
 * the leader killed halfway and restarted later; then a check that every acknowledged write is on every replica.
 * Exit code 0 only if the check passed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run a local 3-replica key-value store under load, crash its leader, and check that no "
                + "acknowledged write was lost.")
public final class Demo implements Callable<Integer> {

    @Option(
            names = "--duration",
            description = "How long the workload runs, in seconds (default ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int durationSeconds;

    @Option(
            names = "--clients",
            description = "Concurrent client threads (default ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int clients;

    @Option(names = "--keys", description = "Keys per client thread (default ${DEFAULT-VALUE}).", defaultValue = "16")
    int keysPerClient;

    @Option(
            names = "--replication",
            description = "ACTIVE or PASSIVE (default ${DEFAULT-VALUE}).",
            defaultValue = "ACTIVE")
    Replication replication;

    private final PrintStream out;

    public Demo() {
        this(System.out);
    }

    Demo(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 4 || clients < 1 || keysPerClient < 1) {
            throw new IllegalArgumentException("--duration must be at least 4 s, --clients and --keys at least 1");
        }
        out.printf("Starting 3 %s replicas of KvStore (durable storage in a temporary directory)...%n", replication);
        try (LocalCluster cluster = LocalCluster.start(3, KvStore::new, replication);
                ReplicaClient client = cluster.newClient()) {
            out.printf(
                    "Replicas %s, leader %s. Running %d clients for %d s; the leader is killed at %d s and "
                            + "restarted at %d s.%n",
                    cluster.peers(),
                    cluster.awaitLeader(),
                    clients,
                    durationSeconds,
                    durationSeconds / 2,
                    durationSeconds * 3 / 4);
            Workload workload = new Workload(client, clients, keysPerClient);
            long start = System.nanoTime();
            workload.start();
            String killed = runFaults(cluster, workload, start);
            workload.stop();
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            workload.printSummary(out, seconds);
            out.printf(
                    "Fault: killed leader %s at %d s, restarted it at %d s.%n",
                    killed, durationSeconds / 2, durationSeconds * 3 / 4);
            return check(cluster, client, workload) ? 0 : 1;
        }
    }

    private String runFaults(LocalCluster cluster, Workload workload, long start) throws Exception {
        long killAt = start + Duration.ofSeconds(durationSeconds / 2).toNanos();
        long restartAt = start + Duration.ofSeconds(durationSeconds * 3L / 4).toNanos();
        long end = start + Duration.ofSeconds(durationSeconds).toNanos();
        String killed = null;
        boolean restarted = false;
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            long now = System.nanoTime();
            if (killed == null && now >= killAt) {
                killed = cluster.awaitLeader();
                cluster.kill(killed);
                workload.event("killed leader " + killed);
            } else if (killed != null && !restarted && now >= restartAt) {
                cluster.restart(killed);
                restarted = true;
                workload.event("restarted " + killed);
            }
            String leader = cluster.leader().orElse("none");
            out.printf(
                    "\r%5.1f s  ops %7d  ok %7d  unknown %4d  leader %-4s  %-24s",
                    (now - start) / 1e9,
                    workload.ops(),
                    workload.ok(),
                    workload.unknown(),
                    leader,
                    workload.lastEvent());
            out.flush();
        }
        return killed;
    }

    private boolean check(LocalCluster cluster, ReplicaClient client, Workload workload) throws Exception {
        out.println("Checking every acknowledged write on every replica...");
        cluster.awaitCaughtUp(Duration.ofSeconds(60));
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Set<Optional<ByteString>>> e :
                workload.expected().entrySet()) {
            for (ReplicaServer r : cluster.replicas()) {
                KvReply reply = client.queryStale(KvStore.get(e.getKey()), r.id(), KvReply.parser());
                Optional<ByteString> actual = reply.getFound() ? Optional.of(reply.getValue()) : Optional.empty();
                checked++;
                if (!e.getValue().contains(actual)) {
                    problems.add(r.id() + " has " + e.getKey() + " = "
                            + actual.map(ByteString::toStringUtf8).orElse("(absent)") + ", expected one of "
                            + e.getValue());
                }
            }
        }
        if (!workload.readViolations().isEmpty()) {
            problems.addAll(workload.readViolations());
        }
        if (problems.isEmpty()) {
            out.printf(
                    "Check passed: %d keys x %d replicas hold the last acknowledged value, and %d linearizable "
                            + "reads saw their own thread's last write.%n",
                    workload.expected().size(), cluster.replicas().size(), workload.reads());
            return true;
        }
        out.printf("Check FAILED (%d of %d key/replica pairs checked):%n", problems.size(), checked);
        problems.stream().limit(20).forEach(p -> out.println("  " + p));
        return false;
    }

    /** Client threads, each owning its keys so that it knows what every replica must end up holding. */
    static final class Workload {
        private final ReplicaClient client;
        private final int threads;
        private final int keysPerThread;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong ops = new AtomicLong();
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong unknown = new AtomicLong();
        private volatile String lastEvent = "";
        private ExecutorService pool;
        private final List<Future<Worker>> workers = new ArrayList<>();
        private final List<Worker> finished = new ArrayList<>();

        Workload(ReplicaClient client, int threads, int keysPerThread) {
            this.client = client;
            this.threads = threads;
            this.keysPerThread = keysPerThread;
        }

        void start() {
            pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                Worker w = new Worker(t);
                workers.add(pool.submit(() -> {
                    w.run();
                    return w;
                }));
            }
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<Worker> f : workers) {
                finished.add(f.get());
            }
            pool.shutdown();
        }

        void event(String e) {
            lastEvent = e;
        }

        String lastEvent() {
            return lastEvent;
        }

        long ops() {
            return ops.get();
        }

        long ok() {
            return ok.get();
        }

        long unknown() {
            return unknown.get();
        }

        long reads() {
            return finished.stream().mapToLong(w -> w.readLatencies.size()).sum();
        }

        Map<String, Set<Optional<ByteString>>> expected() {
            Map<String, Set<Optional<ByteString>>> all = new TreeMap<>();
            finished.forEach(w -> all.putAll(w.possible));
            return all;
        }

        List<String> readViolations() {
            List<String> all = new ArrayList<>();
            finished.forEach(w -> all.addAll(w.violations));
            return all;
        }

        void printSummary(PrintStream out, double seconds) {
            List<Long> writes = new ArrayList<>();
            List<Long> reads = new ArrayList<>();
            finished.forEach(w -> {
                writes.addAll(w.writeLatencies);
                reads.addAll(w.readLatencies);
            });
            out.printf(
                    "%d operations in %.1f s: %.0f ops/s (%d writes/CAS, %d linearizable reads, %d unknown "
                            + "outcomes)%n",
                    ops.get(), seconds, ops.get() / seconds, writes.size(), reads.size(), unknown.get());
            out.printf(
                    "write latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(writes, 0.50), percentile(writes, 0.99), percentile(writes, 1.0));
            out.printf(
                    "read latency:  p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(reads, 0.50), percentile(reads, 0.99), percentile(reads, 1.0));
        }

        private static double percentile(List<Long> nanos, double q) {
            if (nanos.isEmpty()) {
                return Double.NaN;
            }
            List<Long> sorted = new ArrayList<>(nanos);
            sorted.sort(null);
            int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
            return sorted.get(Math.max(0, i)) / 1e6;
        }

        final class Worker {
            private final int id;
            /** Every value a key may hold: one after an acknowledged write, more after an unknown outcome. */
            final Map<String, Set<Optional<ByteString>>> possible = new TreeMap<>();

            final List<Long> writeLatencies = new ArrayList<>();
            final List<Long> readLatencies = new ArrayList<>();
            final List<String> violations = new ArrayList<>();
            private long counter;

            Worker(int id) {
                this.id = id;
                for (int k = 0; k < keysPerThread; k++) {
                    possible.put(key(k), Set.of(Optional.empty()));
                }
            }

            private String key(int k) {
                return "c" + id + "-k" + k;
            }

            void run() {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    String key = key(random.nextInt(keysPerThread));
                    Set<Optional<ByteString>> before = possible.get(key);
                    int dice = random.nextInt(10);
                    long start = System.nanoTime();
                    try {
                        if (dice < 5) {
                            read(key, before);
                            readLatencies.add(System.nanoTime() - start);
                        } else {
                            ByteString value = ByteString.copyFromUtf8(id + ":" + (++counter));
                            if (dice < 8 || before.size() != 1) {
                                client.submit(KvStore.put(key, value), KvReply.parser());
                            } else {
                                ByteString expected = before.iterator().next().orElse(null);
                                KvReply r = client.submit(KvStore.cas(key, expected, value), KvReply.parser());
                                if (!r.getFound()) {
                                    violations.add("cas on " + key + " from its last acknowledged value failed");
                                    value = null;
                                }
                            }
                            if (value != null) {
                                possible.put(key, Set.of(Optional.of(value)));
                            }
                            writeLatencies.add(System.nanoTime() - start);
                        }
                        ok.incrementAndGet();
                    } catch (UnavailableException e) {
                        unknown.incrementAndGet();
                        if (dice >= 5) {
                            // The write may or may not have happened; both outcomes are allowed from now on.
                            java.util.HashSet<Optional<ByteString>> both = new java.util.HashSet<>(before);
                            both.add(Optional.of(ByteString.copyFromUtf8(id + ":" + counter)));
                            possible.put(key, both);
                        }
                    } catch (Exception e) {
                        violations.add("unexpected " + e);
                    }
                    ops.incrementAndGet();
                }
            }

            private void read(String key, Set<Optional<ByteString>> allowed) throws Exception {
                KvReply r = client.query(KvStore.get(key), KvReply.parser());
                Optional<ByteString> actual = r.getFound() ? Optional.of(r.getValue()) : Optional.empty();
                if (!allowed.contains(actual)) {
                    violations.add("linearizable read of " + key + " saw "
                            + actual.map(ByteString::toStringUtf8).orElse("(absent)") + ", expected one of " + allowed);
                }
            }
        }
    }
}
