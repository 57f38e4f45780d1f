package io.ratissm.internal.server;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.LocalCluster;
import io.ratissm.MetricNames;
import io.ratissm.NonNegativeCounter;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash at each step of writing a snapshot, then a restart, on a group of one replica (every acknowledged write is
 * on its storage alone): the replica starts, every acknowledged write is there, and it loads the snapshot exactly
 * when the crash came after the rename that made it whole.
 */
class SnapshotCrashTest {

    @AfterEach
    void noMoreCrashes() {
        SnapshotFiles.hook = (replica, step) -> {};
    }

    @ParameterizedTest
    @EnumSource(SnapshotFiles.Step.class)
    void aCrashAtAnyStepOfWritingASnapshotLosesNoAcknowledgedWrite(SnapshotFiles.Step crashAt) throws Exception {
        CountDownLatch crashed = new CountDownLatch(1);
        // Every snapshot stops at the step: after the first "crash" the replica must not take a good one either.
        SnapshotFiles.hook = (replica, step) -> {
            if (step == crashAt) {
                crashed.countDown();
                throw new IOException("simulated crash " + crashAt);
            }
        };
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(1)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.snapshotEvery(20))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 1; i <= 30; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }
            assertThat(crashed.await(30, TimeUnit.SECONDS))
                    .as("a snapshot reached " + crashAt)
                    .isTrue();
            cluster.kill("n1");
            assertThat(names(cluster.storage("n1")))
                    .as("what the crash left")
                    .anyMatch(
                            crashAt == SnapshotFiles.Step.RENAMED
                                    ? n -> n.matches("snapshot\\.\\d+_\\d+")
                                    : n -> n.matches("snapshot\\.\\d+_\\d+\\.tmp"))
                    .noneMatch(
                            crashAt == SnapshotFiles.Step.RENAMED
                                    ? n -> false
                                    : n -> n.matches("snapshot\\.\\d+_\\d+"));
            noMoreCrashes();

            ReplicaServer n1 = cluster.restart("n1");

            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(30);
            assertThat(n1.metrics().timer(MetricNames.Replica.SNAPSHOT_LOAD).getCount())
                    .as("snapshots loaded at the restart")
                    .isEqualTo(crashAt == SnapshotFiles.Step.RENAMED ? 1 : 0);
            assertThat(decode(client.submit(add(1)))).isEqualTo(31);
        }
    }

    private static List<String> names(Path storage) throws IOException {
        try (Stream<Path> files = Files.walk(storage)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
