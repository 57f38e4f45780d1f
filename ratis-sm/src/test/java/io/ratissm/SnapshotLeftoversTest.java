package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static io.ratissm.NonNegativeCounter.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The temporary files of a snapshot that a crash interrupted are removed when the replica starts again. */
class SnapshotLeftoversTest {
    @Test
    void theFilesOfAnInterruptedSnapshotAreRemovedAtStartAndNothingElse() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .start();
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(3));
            cluster.awaitCaughtUp(Duration.ofSeconds(30));
            String leader = cluster.awaitLeader();
            String crashed = cluster.others(leader).get(0);
            Path sm = snapshotDirectory(cluster.storage(crashed));
            cluster.replica(crashed).takeSnapshot();
            cluster.kill(crashed);
            Path half = Files.writeString(sm.resolve("snapshot.1_7.tmp"), "half written");
            Path halfChecksum = Files.writeString(sm.resolve("snapshot.1_7.md5.tmp"), "half written");
            Path notOurs = Files.writeString(sm.resolve("notes.tmp"), "an operator's");

            ReplicaServer restarted = cluster.restart(crashed);

            assertThat(half).doesNotExist();
            assertThat(halfChecksum).doesNotExist();
            assertThat(notOurs).exists();
            try (Stream<Path> files = Files.list(sm)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as("the snapshot taken before the crash is kept")
                        .anyMatch(n -> n.matches("snapshot\\.\\d+_\\d+"));
            }
            client.submit(add(1));
            cluster.awaitCaughtUp(Duration.ofSeconds(30));
            assertThat(decode(client.queryStale(get(), restarted.id()))).isEqualTo(4);
        }
    }

    private static Path snapshotDirectory(Path storage) throws IOException {
        try (Stream<Path> dirs = Files.walk(storage)) {
            return dirs.filter(d ->
                            Files.isDirectory(d) && d.getFileName().toString().equals("sm"))
                    .findFirst()
                    .orElseThrow();
        }
    }
}
