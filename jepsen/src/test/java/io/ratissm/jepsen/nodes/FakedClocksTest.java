package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.Replication;
import io.ratissm.jepsen.net.LoopbackNetwork;
import io.ratissm.statemachines.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica JVM ({@code ratis-sm server}) started by {@link Cluster}, as every harness run starts them, under
 * libfaketime: moving its clock through {@link NodeClock} must reach both {@code System.currentTimeMillis} and
 * {@code System.nanoTime} inside it, as the replica itself reports them on its {@code /status} endpoint. Skipped
 * where libfaketime is not installed.
 */
class FakedClocksTest {
    /** Real-time margin after a spec is written: libfaketime re-reads it within a real second. */
    private static final long REREAD_NANOS = 1_100_000_000L;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aReplicaSeesItsClocksStepRunFastOrSlowAndKeepTheirOffsetAcrossARestart(@TempDir Path dir) throws Exception {
        assumeTrue(Faketime.whyUnavailable() == null, Faketime.whyUnavailable());
        NodeSettings settings = new NodeSettings(
                NodeStateMachine.of(Counter.class, List.of()),
                Replication.ACTIVE,
                10_000,
                Duration.ofSeconds(1),
                Duration.ZERO,
                false,
                0);
        try (LoopbackNetwork network = new LoopbackNetwork(List.of("n1"), "clock test");
                Cluster cluster = Cluster.create(
                        List.of("n1"),
                        network,
                        settings,
                        Files.createDirectories(dir.resolve("data")),
                        Files.createDirectories(dir.resolve("logs")))) {
            cluster.startAll();
            NodeProcess node = cluster.node("n1");
            NodeClock clock = node.clock().orElseThrow();
            ClockSample start = sampleAfter(node, ClockSample.realNow());
            assertThat(start.offsetMillis()).as("wall clock at start").isCloseTo(0L, within(500L));

            long written = ClockSample.realNow();
            // A step moves nanoTime too, which Ratis takes for a pause of the JVM: past raft.server.close.threshold
            // (60 s) the replica would close itself and ratis-sm server would exit (12), as it would on a real host.
            clock.setOffset(40_000);
            ClockSample stepped = sampleAfter(node, written + REREAD_NANOS);
            assertThat(stepped.offsetMillis())
                    .as("wall clock after a 40 s step")
                    .isCloseTo(40_000L, within(500L));
            assertThat(stepped.nanoJumpMillisSince(start)).as("nanoTime jump").isCloseTo(40_000L, within(500L));

            for (double rate : new double[] {0.5, 2}) {
                written = ClockSample.realNow();
                clock.setRate(rate);
                ClockSample from = sampleAfter(node, written + REREAD_NANOS);
                ClockSample to = sampleAfter(node, from.realNanos() + 3_000_000_000L);
                assertThat(to.wallRateSince(from))
                        .as("wall clock rate at x%s", rate)
                        .isCloseTo(rate, within(0.05));
                assertThat(to.nanoRateSince(from))
                        .as("nanoTime rate at x%s", rate)
                        .isCloseTo(rate, within(0.05));
            }

            written = ClockSample.realNow();
            clock.setRate(1);
            ClockSample healed = sampleAfter(node, written + REREAD_NANOS);
            clock.offsetMeasured(healed.offsetMillis());
            // 40 s, then about -1.5 s at x0.5 and +3 s at x2 (plus the re-read delays): still well ahead.
            assertThat(healed.offsetMillis()).isBetween(40_000L, 45_000L);

            node.kill();
            written = ClockSample.realNow();
            node.start();
            ClockSample restarted = sampleAfter(node, written);
            assertThat(restarted.offsetMillis())
                    .as("wall clock of the restarted replica")
                    .isCloseTo(healed.offsetMillis(), within(500L));
        }
    }

    private static ClockSample sampleAfter(NodeProcess node, long realNanos) {
        return ClockSample.await(List.of(node), realNanos, TIMEOUT)
                .get(node)
                .orElseThrow(() -> new AssertionError("no clock report from " + node + " within " + TIMEOUT
                        + " (exit code " + node.exitCode() + "); see " + node.logFile()));
    }
}
