package io.ratissm.bench.profile;

import com.google.protobuf.ByteString;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;

/**
 * Where a ratis-sm ACTIVE group's CPU and a command's time go, with {@code outstanding} commands in flight: the
 * measurement behind {@code bench/PROFILE.md}. Not a benchmark (its numbers carry the cost of the probes); a tool.
 *
 * <p>Starts the group {@link io.ratissm.bench.WriteBenchmark} measures (3 replicas, fsynced logs, 16-byte counter
 * commands), warms it up under load, then over the measured window:
 *
 * <ul>
 *   <li>takes every thread's CPU time over the window ({@link ThreadCpu}) and prints it per log entry and per
 *       command, with threads grouped by role: the leader's, the followers' (summed) and the client's; what the
 *       process used beyond its Java threads (GC, JIT compilers) is one more row;
 *   <li>records a JFR file (method samples, fsyncs, socket I/O, the probes' own events) for later reading with
 *       {@code jfr print} or JDK Mission Control;
 *   <li>with one command outstanding, times each command's stages from the recording ({@link PathStages}).
 * </ul>
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.ratissm.bench.profile.CommandPathProfile OUTSTANDING
 * WARMUP_SECONDS MEASURED_SECONDS RECORDING.jfr}
 */
public final class CommandPathProfile {
    private CommandPathProfile() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: CommandPathProfile OUTSTANDING WARMUP_SECONDS MEASURED_SECONDS RECORDING.jfr");
        }
        int outstanding = Integer.parseInt(args[0]);
        Duration warmup = Duration.ofSeconds(Long.parseLong(args[1]));
        Duration measured = Duration.ofSeconds(Long.parseLong(args[2]));
        Path recordingFile = Path.of(args[3]);

        try (RatisSmGroup group = RatisSmGroup.start(Replication.ACTIVE, ProbedCounter::new, b -> {})) {
            ByteString command = ByteString.copyFrom(PaddedCounter.command(1, 16));
            group.client().submit(command);
            ClosedLoop load = ClosedLoop.async(outstanding, () -> {
                CommandProbe.Answered probe = new CommandProbe.Answered();
                probe.begin();
                return group.client().submitAsync(command).whenComplete((reply, error) -> probe.commit());
            });
            run(load, warmup);

            ReplicaServer leader = group.leader();
            List<String> followers = group.cluster().others(leader.id());
            ThreadCpu threadCpu = new ThreadCpu();
            threadCpu.start();
            long entriesBefore = leader.lastLogIndex();
            long commandsBefore = load.completed();
            long processCpuBefore = processCpu();
            long wallBefore = System.nanoTime();
            try (Recording recording = new Recording()) {
                recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
                recording.enable("jdk.FileForce").withThreshold(Duration.ZERO);
                recording.enable("jdk.FileWrite").withThreshold(Duration.ZERO);
                recording.enable("jdk.SocketRead").withThreshold(Duration.ofMillis(1));
                recording.enable(CommandProbe.Answered.class);
                recording.enable(CommandProbe.Applied.class);
                recording.start();
                run(load, measured);
                recording.stop();
                recording.dump(recordingFile);
            }
            long wall = System.nanoTime() - wallBefore;
            long processCpu = processCpu() - processCpuBefore;
            long entries = leader.lastLogIndex() - entriesBefore;
            long commands = load.completed() - commandsBefore;
            Map<String, Long> cpu = threadCpu.stop(name -> role(name, leader.id(), followers));
            long javaThreads = cpu.values().stream().mapToLong(Long::longValue).sum();
            cpu.put("(rest: GC, JIT compilers, threads shorter than 50 ms)", Math.max(0, processCpu - javaThreads));
            load.drain(60);

            System.out.printf(
                    Locale.ROOT,
                    "%n%d outstanding: %d commands in %d log entries in %.1f s (%.0f commands/s, %.1f per entry);"
                            + " process CPU %.2f cores, %.0f us per command, %.0f us per entry%n%n",
                    outstanding,
                    commands,
                    entries,
                    wall / 1e9,
                    commands / (wall / 1e9),
                    (double) commands / entries,
                    (double) processCpu / wall,
                    processCpu / 1e3 / commands,
                    processCpu / 1e3 / entries);
            System.out.println("| threads | CPU cores | us per entry | us per command |");
            System.out.println("|---|---:|---:|---:|");
            cpu.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() * 1000 >= processCpu) // 0.1 % and more
                    .forEach(e -> System.out.printf(
                            Locale.ROOT,
                            "| %s | %.3f | %.0f | %.1f |%n",
                            e.getKey(),
                            (double) e.getValue() / wall,
                            e.getValue() / 1e3 / entries,
                            e.getValue() / 1e3 / commands));
            System.out.println();
            PathStages.print(recordingFile, leader.id(), followers, outstanding);
        }
    }

    private static void run(ClosedLoop load, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            load.issue();
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * A thread's name with the replica ids replaced by their roles and numbers by N, so that e.g. the two
     * followers' log workers, or a pool's threads, add up in one row.
     */
    static String role(String threadName, String leader, List<String> followers) {
        String name = threadName.replaceAll("group-[0-9A-F]+", "group");
        for (String follower : followers) {
            name = name.replace(follower + "@", "FOLLOWER@").replace(follower + "-", "FOLLOWER-");
        }
        name = name.replace(leader + "@", "LEADER@").replace(leader + "-", "LEADER-");
        return name.replaceAll("\\d+", "N");
    }
}
