package io.ratissm;

import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica whose storage was wiped must not rejoin under its old identity with an empty log: it has forgotten
 * the writes it acknowledged, and voting with an empty log it could elect a leader that lacks them. A replica that
 * never ran, started after the others, is new and must start.
 */
class WipedReplicaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aFollowerRestartedOnWipedStorageIsRefusedAndTheGroupKeepsServing() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient())) {
            writer.awaitAcknowledged(20);
            String leader = cluster.awaitLeader();
            String follower = cluster.others(leader).get(0);
            cluster.awaitCaughtUp(WAIT);
            cluster.kill(follower);
            cluster.wipe(follower);

            assertThatThrownBy(() -> cluster.restart(follower))
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageContaining(follower + ": its storage holds no log, but ")
                    .hasMessageContaining("remembers " + follower + " at commit index ")
                    .hasMessageContaining("'ratis-sm admin remove-replica " + follower + "'")
                    .hasMessageContaining("start it with join = true");
            assertThat(files(cluster.storage(follower)))
                    .as("nothing written on the refused replica")
                    .isEmpty();

            writer.awaitMore(20);
            writer.stop();
            try (ReplicaClient reader = cluster.newClient()) {
                assertThat(decode(reader.query(NonNegativeCounter.get())))
                        .isBetween(writer.acknowledged(), writer.attempted());
            }
        }
    }

    /**
     * A replica wiped while its whole group was down, started again just after the others and before they elect a
     * leader: having restarted, none of them remembers its commit index, and without a snapshot none knows yet how
     * much of its own log is committed, but their logs show that the group ran. So it starts as a joining replica,
     * a listener with no vote, not as a voting member of a new group.
     */
    @Test
    void aReplicaWipedWhileTheWholeGroupWasDownStartsWithoutAVote() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                .replicas(3)
                .stateMachine(NonNegativeCounter::new)
                // No snapshot: what a peer holds is its log alone. A short election timeout for the first leader only.
                .configure(b -> b.snapshotEvery(10_000).electionTimeout(Duration.ofMillis(300)))
                .start()) {
            try (ReplicaClient client = cluster.newClient()) {
                client.submit(NonNegativeCounter.add(1));
            }
            cluster.ids().forEach(cluster::kill);
            cluster.wipe("n3");
            // No election before n3 has asked them: it asks as it starts, and they wait at least 5 s to campaign.
            for (String id : List.of("n1", "n2")) {
                cluster.restart(id, b -> b.electionTimeout(Duration.ofSeconds(5)));
            }

            ReplicaServer n3 = cluster.restart("n3");

            assertThat(n3.members())
                    .as("n3's voting members: none while it joins as a listener")
                    .isEmpty();
        }
    }

    /**
     * The replica starts as a listener and waits for the leader to send the configuration. Started 45 s after
     * the first writes, it was shut down by Ratis every time until the leader's retry waits were bounded (see
     * ServerSettingsTest#aLeaderRetryingAFollowerNeverWaitsAsLongAsAnElectionTimeout); here it starts at once, to
     * keep the suite short.
     */
    @Test
    void aReplicaStartedForTheFirstTimeAfterTheOthersFormedTheGroupStartsAndCatchesUp() throws Exception {
        List<String> peers = List.of(
                "n1=127.0.0.1:" + FreePorts.next(),
                "n2=127.0.0.1:" + FreePorts.next(),
                "n3=127.0.0.1:" + FreePorts.next());
        List<ReplicaServer> replicas = new ArrayList<>();
        try (ReplicaClient client = ReplicaClient.builder().peers(peers).build()) {
            replicas.add(replica("n1", peers).start());
            replicas.add(replica("n2", peers).start());
            for (int i = 1; i <= 10; i++) {
                assertThat(decode(client.submit(NonNegativeCounter.add(1)))).isEqualTo(i);
            }

            ReplicaServer n3 = replica("n3", peers).start();
            replicas.add(n3);

            Awaits.await(
                    () -> "n3 knows the group; " + views(replicas),
                    WAIT,
                    () -> n3.members().equals(List.of("n1", "n2", "n3")));
            Awaits.await("n3 applied the writes", WAIT, () -> stale(client, "n3") == 10);
            assertThat(decode(client.submit(NonNegativeCounter.add(1)))).isEqualTo(11);
            Awaits.await("n3 applies a new write", WAIT, () -> stale(client, "n3") == 11);
        } finally {
            replicas.forEach(ReplicaServer::close);
        }
    }

    /**
     * A new replica must not depend on the leader's pace until it has the configuration: a leader that goes quiet
     * for longer than an election timeout (a GC pause, a starved host, or here a leader told to wait 2-6 s between
     * retries to a follower that failed) made it campaign, and Ratis shuts a candidate outside its own
     * configuration down for good.
     */
    @Test
    void aNewReplicaWaitsOutALeaderThatGoesQuietBeforeItHasTheConfiguration() throws Exception {
        List<String> peers = List.of(
                "n1=127.0.0.1:" + FreePorts.next(),
                "n2=127.0.0.1:" + FreePorts.next(),
                "n3=127.0.0.1:" + FreePorts.next());
        List<ReplicaServer> replicas = new ArrayList<>();
        try (ReplicaClient client = ReplicaClient.builder().peers(peers).build()) {
            for (String id : List.of("n1", "n2")) {
                replicas.add(builder(id, peers)
                        .property("raft.server.log.appender.retry.policy", "1ms,2, 4s,1000")
                        .build()
                        .start());
            }
            for (int i = 1; i <= 10; i++) {
                assertThat(decode(client.submit(NonNegativeCounter.add(1)))).isEqualTo(i);
            }

            ReplicaServer n3 = builder("n3", peers).build().start();
            replicas.add(n3);

            Awaits.await(
                    "n3 applied the writes; " + n3.stoppedBecause().orElse(""), WAIT, () -> stale(client, "n3") == 10);
            assertThat(n3.isStopped()).isFalse();
            assertThat(n3.members()).containsExactly("n1", "n2", "n3");
        } finally {
            replicas.forEach(ReplicaServer::close);
        }
    }

    /**
     * The way back for a wiped replica (remove, wipe, join, add) while two clients write and snapshots and log purges
     * happen every few dozen entries: the replica catches up, keeps up (healthy at every look while the writes go on),
     * and ends with the leader's log and state. Removing it is what makes this work: a leader that still counted it
     * would remember the entries it acknowledged before the wipe and keep sending entries its empty log cannot take.
     */
    @Test
    void aWipedReplicaBroughtBackUnderLoadCatchesUpAndStaysCaughtUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(
                                b -> b.snapshotEvery(50).logSegmentBytes(1024).lagLimit(Duration.ofSeconds(5)))
                        .start();
                GroupAdmin admin = GroupAdmin.connect(cluster.peers());
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient());
                BackgroundWriter other = new BackgroundWriter(cluster.newClient())) {
            writer.awaitAcknowledged(200);
            String leader = cluster.awaitLeader();
            String wiped = cluster.others(leader).get(0);
            String address = cluster.replica(wiped).address();
            cluster.kill(wiped);
            cluster.wipe(wiped);
            admin.removeReplica(wiped);
            writer.awaitMore(100);

            ReplicaServer back = cluster.restart(wiped, b -> b.join(true));
            admin.addReplica(wiped, address);
            long firstLook = cluster.replica(cluster.awaitLeader()).appliedIndex();
            Awaits.await(wiped + " catches up", WAIT, () -> back.appliedIndex() >= firstLook);
            long snapshotBefore = back.latestSnapshotIndex();
            for (int look = 0; look < 20; look++) {
                writer.awaitMore(20);
                assertThat(back.health().reason()).as("look " + look).isEmpty();
            }
            assertThat(back.latestSnapshotIndex()).as("it snapshots as it goes").isGreaterThan(snapshotBefore);
            assertThat(back.firstLogIndex()).as("and purges its log").isPositive();
            writer.stop();
            other.stop();

            ReplicaServer lead = cluster.replica(cluster.awaitLeader());
            Awaits.await(
                    wiped + " holds the leader's whole log and state",
                    WAIT,
                    () -> back.lastLogIndex() == lead.lastLogIndex() && back.appliedIndex() == lead.appliedIndex());
            try (ReplicaClient reader = cluster.newClient()) {
                long total = decode(reader.query(NonNegativeCounter.get()));
                assertThat(total)
                        .isBetween(
                                writer.acknowledged() + other.acknowledged(), writer.attempted() + other.attempted());
                assertThat(stale(reader, wiped)).isEqualTo(total);
            }
        }
    }

    private ReplicaServer replica(String id, List<String> peers) throws IOException {
        return builder(id, peers).build();
    }

    private ReplicaServer.Builder builder(String id, List<String> peers) {
        return ReplicaServer.builder()
                .id(id)
                .peers(peers)
                .storage(dir.resolve(id))
                .stateMachine(NonNegativeCounter::new);
    }

    /** What each replica says about itself, for a failure message. */
    private static String views(List<ReplicaServer> replicas) {
        StringBuilder b = new StringBuilder();
        for (ReplicaServer r : replicas) {
            b.append(r.id())
                    .append(": leader ")
                    .append(r.leaderId().orElse("none"))
                    .append(", term ")
                    .append(r.term())
                    .append(", members ")
                    .append(r.members())
                    .append(", last log index ")
                    .append(r.lastLogIndex())
                    .append(", applied ")
                    .append(r.appliedIndex())
                    .append(", stopped ")
                    .append(r.stoppedBecause().orElse("no"))
                    .append("; ");
        }
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains("->n3")) {
                b.append("\n").append(thread.getName()).append(" ").append(thread.getState());
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    b.append("\n    at ").append(stack[i]);
                }
            }
        });
        return b.toString();
    }

    private static long stale(ReplicaClient client, String id) {
        try {
            return decode(client.queryStale(NonNegativeCounter.get(), id));
        } catch (CommandRejected | RuntimeException e) {
            return -1;
        }
    }

    private static List<Path> files(Path storage) throws IOException {
        try (Stream<Path> paths = Files.walk(storage)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}
