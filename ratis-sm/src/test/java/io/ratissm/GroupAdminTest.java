package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupAdminTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void statusLeadershipTransferSnapshotAndRemovalWorkOnARunningGroup() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                ReplicaClient client = cluster.newClient();
                GroupAdmin admin = GroupAdmin.connect(cluster.peers())) {
            client.submit(add(5));
            String leader = cluster.awaitLeader();

            GroupStatus status = admin.status();
            assertThat(status.members()).containsExactly("n1", "n2", "n3");
            assertThat(status.leader()).contains(leader);
            assertThat(status.replicas()).allSatisfy(r -> {
                assertThat(r.reachable()).isTrue();
                assertThat(r.member()).isTrue();
                assertThat(r.leaderId()).contains(leader);
            });

            String follower = cluster.others(leader).get(0);
            admin.transferLeadership(follower, Duration.ofSeconds(10));
            Awaits.await(
                    follower + " leads",
                    WAIT,
                    () -> cluster.leader().filter(follower::equals).isPresent());
            assertThat(decode(client.submit(add(1)))).isEqualTo(6);

            long index = admin.snapshot(leader);
            assertThat(index).isPositive();
            assertThat(cluster.replica(leader).latestSnapshotIndex()).isEqualTo(index);

            // A removed follower is told to stop, and says why: the group left it out, Ratis did not close it.
            admin.removeReplica(leader);
            Awaits.await(leader + " stops by itself", WAIT, cluster.replica(leader)::isStopped);
            assertThat(cluster.replica(leader).stoppedBecause())
                    .as("why %s stopped", leader)
                    .hasValue("removed from group ratis-sm");
            assertThat(decode(client.submit(add(1)))).isEqualTo(7);
        }
    }

    @Test
    void mistakesGetClearErrors() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                GroupAdmin admin = GroupAdmin.connect(cluster.peers())) {
            cluster.awaitLeader();
            String n2 = cluster.replica("n2").address();
            assertThatThrownBy(() -> admin.transferLeadership("n9", Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown replica 'n9': the members of group ratis-sm are [n1, n2, n3]");
            assertThatThrownBy(() -> admin.removeReplica("n9"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown replica 'n9'");
            assertThatThrownBy(() -> admin.addReplica("n2", "127.0.0.1:1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("replica 'n2' is already a member");
            assertThatThrownBy(() -> admin.addReplica("n4", n2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is member n2's");
            assertThatThrownBy(() -> admin.addReplica("n4", "127.0.0.1:" + FreePorts.next()))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("does not answer")
                    .hasMessageContaining("start it first, with join=true");
        }
        try (GroupAdmin nobody = GroupAdmin.connect("n1=127.0.0.1:" + FreePorts.next())) {
            assertThat(nobody.status().replicas()).singleElement().satisfies(r -> {
                assertThat(r.reachable()).isFalse();
                assertThat(r.error()).isNotEmpty();
            });
            assertThatThrownBy(() -> nobody.snapshot("n1"))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("no replica of group ratis-sm answered");
        }
    }

    @Test
    void addingAndRemovingReplicasWhileAClientWritesLosesNoAcknowledgedWrite() throws Exception {
        // Digests every 5 entries, compared every 200 ms: the divergence check follows the membership.
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(GroupAdminTest::compareOften)
                        .start();
                GroupAdmin admin = GroupAdmin.connect(cluster.peers());
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient())) {
            String n4Peer = "n4=127.0.0.1:" + FreePorts.next();
            writer.awaitAcknowledged(20);

            try (ReplicaServer n4 = compareOften(ReplicaServer.builder())
                    .id("n4")
                    .peers(n4Peer)
                    .storage(dir.resolve("n4"))
                    .stateMachine(NonNegativeCounter::new)
                    .join(true)
                    .build()
                    .start()) {
                assertThat(admin.status().replicas())
                        .filteredOn(r -> r.id().equals("n4"))
                        .isEmpty();
                admin.addReplica("n4", n4.address());
                assertThat(admin.status().members()).containsExactly("n1", "n2", "n3", "n4");
                writer.awaitAcknowledged(writer.acknowledged() + 20);
                // n4 started knowing only itself; it compares its state with the members its log names now.
                Awaits.await(
                        "n4 compares state digests with the other members",
                        WAIT,
                        () -> n4.stats().digestComparisons() > 0);

                String removed = cluster.awaitLeader(); // the hardest case: the leader leaves
                admin.removeReplica(removed);
                Awaits.await(removed + " stops by itself", WAIT, cluster.replica(removed)::isStopped);
                assertThat(cluster.replica(removed).stoppedBecause())
                        .as("why %s stopped", removed)
                        .hasValue("removed from group ratis-sm");
                writer.awaitAcknowledged(writer.acknowledged() + 20);
                writer.stop();

                assertThat(n4.stats().divergences()).isZero();
                GroupStatus status = admin.status();
                assertThat(status.members())
                        .doesNotContain(removed)
                        .contains("n4")
                        .hasSize(3);
                assertThat(status.replicas())
                        .filteredOn(GroupStatus.Member::member)
                        .allMatch(GroupStatus.Member::reachable);

                // A member restarted with its original, out-of-date peers list keeps the membership of its log.
                String other = status.members().stream()
                        .filter(id -> !id.equals("n4"))
                        .findFirst()
                        .orElseThrow();
                cluster.kill(other);
                assertThat(cluster.restart(other).members())
                        .containsExactlyElementsOf(
                                status.members().stream().sorted().toList());

                String all = cluster.peers() + "," + n4Peer;
                try (ReplicaClient reader = ReplicaClient.builder().peers(all).build()) {
                    long committed = decode(reader.query(NonNegativeCounter.get()));
                    assertThat(committed).isBetween(writer.acknowledged(), writer.attempted());
                    for (String id : status.members()) {
                        Awaits.await(id + " applied every write", WAIT, () -> stale(reader, id) == committed);
                    }
                }
            }
        }
    }

    private static ReplicaServer.Builder compareOften(ReplicaServer.Builder b) {
        return b.digestEvery(5).divergenceCheckInterval(Duration.ofMillis(200));
    }

    private static long stale(ReplicaClient reader, String id) {
        try {
            return decode(reader.queryStale(NonNegativeCounter.get(), id));
        } catch (CommandRejected | RuntimeException e) {
            return -1;
        }
    }
}
