package io.ratissm.jepsen.runner;

import io.ratissm.Replication;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.workload.ReadMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The shared fixture of the harness's end-to-end tests: short runs (18 s of load) with faults every few
 * seconds, stores under {@code target/jepsen-store} so that a failing run can be inspected after the build.
 */
final class HarnessRuns {
    static final Path STORE = Path.of("target", "jepsen-store");

    private HarnessRuns() {}

    /** Options for a short run: 3 nodes, 4 clients, faults 6 s on / 4 s off, 3 s recovery. */
    static TestOptions shortRun(String workload, String nemesis, Replication replication, ReadMode reads, long seed) {
        return shortRun(workload, nemesis, replication, reads, seed, 0);
    }

    /** {@link #shortRun} on servers that hold {@code shards} shards (0: unsharded), of the default replicas each. */
    static TestOptions shortRun(
            String workload, String nemesis, Replication replication, ReadMode reads, long seed, int shards) {
        return new TestOptions(
                workload,
                List.of(nemesis.split(",")),
                replication,
                3,
                4,
                Duration.ofSeconds(18),
                Duration.ofSeconds(6),
                Duration.ofSeconds(4),
                Duration.ofSeconds(3),
                Duration.ofSeconds(4),
                reads,
                seed,
                STORE,
                10_000,
                true,
                Duration.ZERO,
                false,
                ClockFaults.DEFAULTS,
                null,
                List.of(),
                null,
                shards,
                0);
    }

    static TestResult run(TestOptions options) throws IOException, InterruptedException {
        PrintStream console = System.out;
        return new JepsenTest(options, console).run();
    }
}
