package io.ratissm.bench.baseline;

import io.ratissm.GroupAdmin;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaServer;
import io.ratissm.Role;
import io.ratissm.bench.statemachines.PaddedCounter;
import io.ratissm.internal.metrics.RatisRegistries;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * What an idle Raft group costs: three servers in this JVM host {@code GROUPS} groups of the three of them. A tool,
 * not a benchmark. Two hostings:
 * <ul>
 *   <li>{@code ratis}: Apache Ratis 3.3.0 itself, the floor under ratis-sm's multi-group hosting. Each server has the
 *       baseline's properties ({@link BareRatisSettings}, i.e. ratis-sm's defaults), each group its own
 *       {@link BareCounter}; groups are added to running servers as an admin would
 *       ({@code GroupManagementRequest.newAdd}). Nothing of ratis-sm's replica code runs.</li>
 *   <li>{@code ratis-sm}: three {@link ReplicaServer}s with their defaults, each serving its first group, and the
 *       other groups created on them with {@link GroupAdmin#createGroup}.</li>
 * </ul>
 *
 * <p>It prints: the time from the first group add to every group having a leader; then, after {@code SETTLE}
 * seconds, over {@code WINDOW} seconds with no requests: the JVM's live threads (all three servers), grouped by name
 * with numbers replaced by N, the process's CPU time per second, the heap in use after a GC, and the direct buffer
 * memory Ratis allocated. With {@code ratis-sm}, it then stops all three servers and starts them again on their
 * storage, and prints the time from the first start to every group having a leader again.
 *
 * <pre>
 * java -Xms1g -Xmx4g -XX:MaxDirectMemorySize=8g -cp bench/target/benchmarks.jar \
 *     [-DelectionTimeout=PT3S] io.ratissm.bench.baseline.IdleGroupCost ratis|ratis-sm GROUPS SETTLE WINDOW
 * # e.g. ratis-sm 100 15 20; -DelectionTimeout sets ratis-sm's replicas' (default PT1S)
 * </pre>
 */
public final class IdleGroupCost {
    private IdleGroupCost() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !(args[0].equals("ratis") || args[0].equals("ratis-sm"))) {
            System.err.println("usage: IdleGroupCost ratis|ratis-sm GROUPS SETTLE_SECONDS WINDOW_SECONDS");
            System.exit(2);
        }
        boolean ratisSm = args[0].equals("ratis-sm");
        int groups = Integer.parseInt(args[1]);
        int settle = Integer.parseInt(args[2]);
        int window = Integer.parseInt(args[3]);
        RatisRegistries.install();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();

        Path root = Files.createTempDirectory("idle-groups");
        // ratis-sm's election timeout (its default unless set): leaders send heartbeats every half of it.
        Duration electionTimeout = Duration.parse(System.getProperty("electionTimeout", "PT1S"));
        try (Hosting hosting = ratisSm ? new RatisSmHosting(root, electionTimeout) : new RatisHosting(root)) {
            int threadsServers = threads.getThreadCount();
            long start = System.nanoTime();
            hosting.addGroups(groups);
            long added = System.nanoTime();
            hosting.awaitLeaders();
            long elected = System.nanoTime();
            System.out.printf(
                    "%s: groups=%d added in %.1f s, all leaders elected %.1f s after the first add%n",
                    args[0], groups, (added - start) / 1e9, (elected - start) / 1e9);
            measure(args[0], groups, settle, window, threads, threadsBefore, threadsServers);
            if (hosting.restart()) {
                long restarted = System.nanoTime();
                hosting.awaitLeaders();
                System.out.printf(
                        "%s: groups=%d restarted (all three servers stopped, then started on their storage): all"
                                + " leaders elected %.1f s after the first start%n",
                        args[0], groups, (System.nanoTime() - restarted) / 1e9);
            }
        } finally {
            ScratchResources.deleteRecursively(root);
        }
    }

    /** Three servers in this JVM, to which groups of the three of them are added. */
    private interface Hosting extends AutoCloseable {
        /** Adds this many groups to the servers; ratis-sm's servers already serve one (counted in the total). */
        void addGroups(int total) throws Exception;

        void awaitLeaders() throws Exception;

        /** Stops every server and starts it again on its storage; false if this hosting does not. */
        default boolean restart() throws Exception {
            return false;
        }
    }

    /** Bare Ratis servers with ratis-sm's properties, groups added with {@code GroupManagementRequest.newAdd}. */
    private static final class RatisHosting implements Hosting {
        private final List<RaftPeer> peers = new ArrayList<>();
        private final List<RaftServer> servers = new ArrayList<>();
        private final List<RaftGroup> all = new ArrayList<>();

        RatisHosting(Path root) throws IOException {
            for (int i = 1; i <= 3; i++) {
                peers.add(RaftPeer.newBuilder()
                        .setId("g" + i)
                        .setAddress("127.0.0.1:" + ScratchResources.freePort())
                        .build());
            }
            for (RaftPeer peer : peers) {
                String address = peer.getAddress();
                RaftServer server = RaftServer.newBuilder()
                        .setServerId(peer.getId())
                        .setStateMachineRegistry(group -> new BareCounter())
                        .setProperties(BareRatisSettings.forServer(
                                Files.createDirectories(
                                        root.resolve(peer.getId().toString())),
                                Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))))
                        .setOption(RaftStorage.StartupOption.RECOVER)
                        .build();
                server.start();
                servers.add(server);
            }
        }

        @Override
        public void addGroups(int total) throws IOException {
            ClientId admin = ClientId.randomId();
            long callId = 0;
            for (int g = 0; g < total; g++) {
                RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), peers);
                all.add(group);
                for (RaftServer server : servers) {
                    RaftClientReply reply = server.groupManagement(
                            GroupManagementRequest.newAdd(admin, server.getId(), callId++, group));
                    if (!reply.isSuccess()) {
                        throw new IOException(
                                "adding group " + g + " to " + server.getId() + " failed: " + reply.getException());
                    }
                }
            }
        }

        @Override
        public void awaitLeaders() throws Exception {
            await(
                    all.size() + " groups",
                    () -> all.stream()
                            .filter(g -> servers.stream().noneMatch(s -> {
                                try {
                                    return s.getDivision(g.getGroupId())
                                            .getInfo()
                                            .isLeader();
                                } catch (IOException e) {
                                    return false;
                                }
                            }))
                            .count());
        }

        @Override
        public void close() throws IOException {
            for (RaftServer server : servers) {
                server.close();
            }
        }
    }

    /**
     * Three ratis-sm {@link ReplicaServer}s ({@link LocalCluster}, default settings, a counter), each serving its own
     * first group, and groups created on them as an admin does ({@link GroupAdmin#createGroup}), 8 at a time.
     */
    private static final class RatisSmHosting implements Hosting {
        private final LocalCluster cluster;
        private final List<String> names = new ArrayList<>();

        RatisSmHosting(Path root, Duration electionTimeout) throws IOException {
            cluster = LocalCluster.builder()
                    .replicas(3)
                    .storage(root)
                    .stateMachine(PaddedCounter::new)
                    .configure(b -> b.electionTimeout(electionTimeout))
                    .start();
            cluster.awaitLeader();
        }

        @Override
        public void addGroups(int total) throws Exception {
            ExecutorService admins = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> created = new ArrayList<>();
                for (int g = 1; g < total; g++) {
                    String name = "idle-" + g;
                    names.add(name);
                    created.add(admins.submit(() -> {
                        try (GroupAdmin admin = GroupAdmin.builder()
                                .peers(cluster.peers())
                                .group(name)
                                .timeout(Duration.ofMinutes(5))
                                .build()) {
                            admin.createGroup();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : created) {
                    f.get();
                }
            } finally {
                admins.shutdownNow();
            }
        }

        @Override
        public void awaitLeaders() throws Exception {
            await(
                    names.size() + 1 + " groups",
                    () -> cluster.replicas().stream()
                                            .flatMap(r -> r.groups().values().stream())
                                            .filter(s -> s.role() == Role.LEADER)
                                            .count()
                                    < names.size() + 1
                            ? 1
                            : 0);
        }

        @Override
        public boolean restart() throws IOException {
            for (String id : cluster.ids()) {
                cluster.kill(id);
            }
            for (String id : cluster.ids()) {
                cluster.restart(id);
            }
            return true;
        }

        @Override
        public void close() {
            cluster.close();
        }
    }

    /** Waits until {@code waiting} says nothing waits any more, for at most 5 minutes. */
    private static void await(String what, java.util.function.LongSupplier waiting) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (waiting.getAsLong() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException(what + ": not every group has a leader after 5 minutes");
            }
            Thread.sleep(50);
        }
    }

    private static void measure(
            String hosting,
            int groups,
            int settle,
            int window,
            ThreadMXBean threads,
            int threadsBefore,
            int threadsServers)
            throws InterruptedException {
        TimeUnit.SECONDS.sleep(settle);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(window);
        long cpu1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        double cores = (cpu1 - cpu0) / (double) (t1 - t0);

        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heap = memory.getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct"))
                .mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed)
                .sum();
        int live = threads.getThreadCount();
        System.out.printf(
                "%s: groups=%d threads: before servers %d, servers %d, with the groups %d "
                        + "(%.1f per group); idle CPU %.3f cores (%.2f %% of a core per group); heap after GC %.1f MB;"
                        + " direct buffers %.1f MB%n",
                hosting,
                groups,
                threadsBefore,
                threadsServers,
                live,
                (live - threadsServers) / (double) groups,
                cores,
                100 * cores / groups,
                heap / 1e6,
                direct / 1e6);
        Map<String, Integer> byName = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                byName.merge(shape(info.getThreadName()), 1, Integer::sum);
            }
        }
        byName.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(15)
                .forEach(e -> System.out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
    }

    /** A thread name with its group ids, peer ids and numbers generalised, so that threads of one kind count together. */
    private static String shape(String name) {
        return name.replaceAll("group-[0-9A-F]{12}", "group-X")
                .replaceAll("\\b(g|n)[123]\\b", "N")
                .replaceAll("[0-9]+", "N");
    }
}
