package io.ratissm.bench.profile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The CPU time of every Java thread over a window, threads that start or end inside it included: sampled every
 * 50 ms, so a thread that ended loses at most its last 50 ms and one that lived shorter than that may be missed
 * (pooled threads come and go: gRPC's executor is a cached pool). What the process spent outside Java threads
 * (GC, JIT compilers) is the process's CPU time minus the sum.
 */
final class ThreadCpu implements AutoCloseable {
    private record Seen(String name, long first, long last) {}

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Seen> seen = new HashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "thread-cpu-sampler");
        t.setDaemon(true);
        return t;
    });
    private boolean started;

    /** Starts the window: threads alive now count from their CPU time now, later ones from zero. */
    synchronized void start() {
        sample();
        started = true;
        sampler.scheduleAtFixedRate(this::sample, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Ends the window; the CPU time each thread used in it, summed by {@code group} of its name. */
    synchronized Map<String, Long> stop(Function<String, String> group) {
        sampler.shutdownNow();
        sample();
        Map<String, Long> byGroup = new HashMap<>();
        seen.values().forEach(s -> byGroup.merge(group.apply(s.name()), s.last() - s.first(), Long::sum));
        return byGroup;
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue; // ended between the two calls
            }
            Seen before = seen.get(info.getThreadId());
            long first = before != null ? before.first() : started ? 0 : cpu;
            seen.put(info.getThreadId(), new Seen(info.getThreadName(), first, cpu));
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
