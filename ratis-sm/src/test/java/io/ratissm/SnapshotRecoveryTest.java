package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots on disk: taken on demand, used at restart; one that cannot be verified is never loaded, and a corrupt one
 * refuses the start with the way back, which works.
 */
class SnapshotRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static List<Path> snapshotFiles(Path storage) throws IOException {
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                    .toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void anOnDemandSnapshotIsWrittenAndARestartRecoversFromIt(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 20; i++) {
                client.submit(add(2));
            }
            ReplicaServer n1 = cluster.replica("n1");
            cluster.awaitCaughtUp(Duration.ofSeconds(10));

            long index = n1.takeSnapshot();

            assertThat(index).isGreaterThanOrEqualTo(20);
            assertThat(n1.latestSnapshotIndex()).isEqualTo(index);
            assertThat(snapshotFiles(cluster.storage("n1"))).hasSize(1);
            cluster.kill("n1");
            cluster.restart("n1");
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), "n1")))
                    .isEqualTo(40);
        }
    }

    /**
     * Before the checksum was written ahead of the rename, a crash between the two left a snapshot without its
     * {@code .md5}, and the replica refused to start although its log was intact. A snapshot that cannot be verified
     * is never loaded: the replica recovers from the log behind it.
     */
    @ParameterizedTest
    @EnumSource(Replication.class)
    void aSnapshotLeftWithoutItsChecksumIsSkippedAndTheLogReplayed(Replication mode) throws Exception {
        // One replica: every acknowledged write is on its storage alone.
        try (LocalCluster cluster = LocalCluster.start(1, NonNegativeCounter::new, mode);
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 20; i++) {
                client.submit(add(2));
            }
            ReplicaServer n1 = cluster.replica("n1");
            n1.takeSnapshot();
            assertThat(n1.firstLogIndex())
                    .as("the log behind the snapshot is intact")
                    .isZero();
            cluster.kill("n1");
            Path snapshot = snapshotFiles(cluster.storage("n1")).get(0);
            Files.delete(snapshot.resolveSibling(snapshot.getFileName() + ".md5"));

            ReplicaServer restarted = cluster.restart("n1");

            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(40);
            assertThat(restarted.latestSnapshotIndex())
                    .as("the unverifiable snapshot was not loaded")
                    .isEqualTo(-1);
            assertThat(decode(client.submit(add(2)))).isEqualTo(42);
        }
    }

    /**
     * Before the fix: with the newest snapshot's {@code .md5} lost and the log purged behind that snapshot, the replica
     * loaded the older snapshot, which the log did not continue, and stayed stuck behind the commit index. It must
     * refuse to start instead, and say how to come back.
     */
    @Test
    void aLostChecksumOfTheNewestSnapshotWithItsLogPurgedRefusesTheStartRatherThanLoadAnOlderSnapshot()
            throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.snapshotEvery(50).logSegmentBytes(1024))
                        .start();
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient())) {
            ReplicaServer n3 = cluster.replica("n3");
            writer.awaitAcknowledged(50);
            Awaits.await("n3 keeps two snapshots and purged its log behind the newest", WAIT, () -> {
                try {
                    return snapshotFiles(cluster.storage("n3")).size() == 2
                            && n3.firstLogIndex() > 0
                            && n3.firstLogIndex() > oldestSnapshotIndex(cluster.storage("n3")) + 1;
                } catch (IOException e) {
                    return false;
                }
            });
            cluster.kill("n3");
            Path newest = snapshotFiles(cluster.storage("n3")).stream()
                    .max(Comparator.comparing(SnapshotRecoveryTest::index))
                    .orElseThrow();
            Files.delete(newest.resolveSibling(newest.getFileName() + ".md5"));

            assertThatThrownBy(() -> cluster.restart("n3"))
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageContaining("n3: cannot rebuild its state from its storage: the log starts at index")
                    .hasMessageContaining(newest + "] cannot be verified: no .md5 file")
                    .hasMessageContaining("'ratis-sm admin remove-replica n3'");
            writer.awaitMore(10);
        }
    }

    private static long index(Path snapshot) {
        return Long.parseLong(snapshot.getFileName().toString().replaceAll(".*_", ""));
    }

    private static long oldestSnapshotIndex(Path storage) throws IOException {
        return snapshotFiles(storage).stream()
                .mapToLong(SnapshotRecoveryTest::index)
                .min()
                .orElse(-1);
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aCorruptSnapshotStopsTheRestartWithAnErrorNamingTheFileAndTheWayBack(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(1));
            ReplicaServer n1 = cluster.replica("n1");
            Awaits.await("n1 applies the command", Duration.ofSeconds(10), () -> n1.appliedIndex() >= 2);
            n1.takeSnapshot();
            cluster.kill("n1");
            Path snapshot = snapshotFiles(cluster.storage("n1")).get(0);
            flipLastByte(snapshot);

            assertThatThrownBy(() -> cluster.restart("n1"))
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageContaining(snapshot.getFileName() + " is corrupt")
                    .hasMessageContaining("'ratis-sm admin remove-replica n1'")
                    .hasMessageContaining("start it with join = true")
                    .hasMessageContaining("OPERATIONS.md");
            // The other two keep serving.
            assertThat(decode(client.submit(add(1)))).isEqualTo(2);
        }
    }

    /**
     * OPERATIONS.md, "Replacing a replica's storage", end to end: n3's newest snapshot is corrupt and the log behind
     * it purged, so it refuses to start; the operator removes it, wipes its storage, starts it with join and adds it
     * back; it catches up and holds every acknowledged write, and the group served throughout.
     */
    @Test
    void aReplicaWhoseNewestSnapshotIsCorruptIsReplacedByTheProcedureWhileTheGroupServes() throws Exception {
        // Frequent snapshots and small log segments: the log behind n3's newest snapshot is purged.
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.snapshotEvery(50).logSegmentBytes(1024))
                        .start();
                GroupAdmin admin = GroupAdmin.connect(cluster.peers());
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient())) {
            ReplicaServer n3 = cluster.replica("n3");
            String address = n3.address();
            writer.awaitAcknowledged(150);
            Awaits.await(
                    "n3 snapshotted and purged its log",
                    WAIT,
                    () -> n3.latestSnapshotIndex() > 0 && n3.firstLogIndex() > 0);
            cluster.kill("n3");
            Path newest = snapshotFiles(cluster.storage("n3")).stream()
                    .max(Comparator.comparing(
                            p -> Long.parseLong(p.getFileName().toString().replaceAll(".*_", ""))))
                    .orElseThrow();
            flipLastByte(newest);

            assertThatThrownBy(() -> cluster.restart("n3"))
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageContaining(newest.getFileName() + " is corrupt")
                    .hasMessageContaining("'ratis-sm admin remove-replica n3'")
                    .hasMessageContaining("'ratis-sm admin add-replica n3 " + address + "'");
            writer.awaitMore(10);

            admin.removeReplica("n3");
            assertThat(admin.status().members()).containsExactly("n1", "n2");
            writer.awaitMore(10);
            cluster.wipe("n3");
            cluster.restart("n3", b -> b.join(true));
            admin.addReplica("n3", address);
            assertThat(admin.status().members()).containsExactly("n1", "n2", "n3");
            writer.awaitMore(10);
            writer.stopAndAwaitEveryWriteOn(cluster, "n3");
        }
    }

    private static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int last = f.read();
            f.seek(f.length() - 1);
            f.write(last ^ 0xFF);
        }
    }
}
