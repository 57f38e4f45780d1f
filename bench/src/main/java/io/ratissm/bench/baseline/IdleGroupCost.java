package io.ratissm.bench.baseline;

import io.ratissm.internal.metrics.RatisRegistries;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * What an idle Raft group costs in Apache Ratis 3.3.0 itself, the floor under any multi-group hosting that ratis-sm
 * builds on it (issue 17): three Ratis servers in this JVM, each with the baseline's properties
 * ({@link BareRatisSettings}, i.e. ratis-sm's defaults), host {@code GROUPS} groups of the three of them, each group
 * with its own {@link BareCounter}; groups are added to running servers as an admin would
 * ({@code GroupManagementRequest.newAdd}). A tool, not a benchmark; nothing of ratis-sm's replica code runs.
 *
 * <p>It prints: the time from the first group add to every group having a leader; then, after {@code SETTLE}
 * seconds, over {@code WINDOW} seconds with no requests: the JVM's live threads (all three servers), grouped by name
 * with numbers replaced by N, the process's CPU time per second, the heap in use after a GC, and the direct buffer
 * memory Ratis allocated.
 *
 * <pre>
 * java -Xms1g -Xmx4g -XX:MaxDirectMemorySize=8g -cp bench/target/benchmarks.jar \
 *     io.ratissm.bench.baseline.IdleGroupCost GROUPS SETTLE WINDOW      # e.g. 100 20 30
 * </pre>
 */
public final class IdleGroupCost {
    private IdleGroupCost() {}

    public static void main(String[] args) throws Exception {
        int groups = Integer.parseInt(args[0]);
        int settle = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        RatisRegistries.install();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();

        Path root = Files.createTempDirectory("idle-groups");
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(RaftPeer.newBuilder()
                    .setId("g" + i)
                    .setAddress("127.0.0.1:" + ScratchResources.freePort())
                    .build());
        }
        List<RaftServer> servers = new ArrayList<>();
        try {
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
            int threadsServers = threads.getThreadCount();

            long start = System.nanoTime();
            List<RaftGroup> all = new ArrayList<>();
            ClientId admin = ClientId.randomId();
            long callId = 0;
            for (int g = 0; g < groups; g++) {
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
            long added = System.nanoTime();
            awaitLeaders(servers, all);
            long elected = System.nanoTime();
            System.out.printf(
                    "groups=%d added in %.1f s, all leaders elected %.1f s after the first add%n",
                    groups, (added - start) / 1e9, (elected - start) / 1e9);

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
                    "groups=%d threads: before servers %d, servers without groups %d, with the groups %d "
                            + "(%.1f per group); idle CPU %.3f cores (%.2f %% of a core per group); heap after GC %.1f MB;"
                            + " direct buffers %.1f MB%n",
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
        } finally {
            for (RaftServer server : servers) {
                server.close();
            }
            ScratchResources.deleteRecursively(root);
        }
    }

    /** A thread name with its group ids, peer ids and numbers generalised, so that threads of one kind count together. */
    private static String shape(String name) {
        return name.replaceAll("group-[0-9A-F]{12}", "group-X")
                .replaceAll("g[123]", "gN")
                .replaceAll("[0-9]+", "N");
    }

    private static void awaitLeaders(List<RaftServer> servers, List<RaftGroup> groups) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        List<RaftGroup> waiting = new ArrayList<>(groups);
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(waiting.size() + " groups have no leader after 5 minutes");
            }
            waiting.removeIf(g -> servers.stream().anyMatch(s -> {
                try {
                    return s.getDivision(g.getGroupId()).getInfo().isLeader();
                } catch (IOException e) {
                    return false;
                }
            }));
            Thread.sleep(50);
        }
    }
}
