package io.ratissm.shard;

import static io.ratissm.shard.Registers.get;
import static io.ratissm.shard.Registers.keys;
import static io.ratissm.shard.Registers.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.Awaits;
import io.ratissm.FreePorts;
import io.ratissm.GroupAdmin;
import io.ratissm.GroupNotFoundException;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.UnavailableException;
import io.ratissm.internal.proto.KeyedCommand;
import io.ratissm.internal.proto.PlacementCommand;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardMove;
import io.ratissm.internal.proto.ShardQuery;
import io.ratissm.internal.proto.ShardReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A sharded deployment on three servers: routing by key, refusal of stale routes, and moving shards. */
class ShardingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    // ACTIVE here; ShardedKvExampleTest routes keys over 8 shards in PASSIVE mode.
    @ParameterizedTest
    @EnumSource(value = Replication.class, names = "ACTIVE")
    void keysAreRoutedToTheirShardsAndEachShardHoldsExactlyTheKeysItOwns(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(Registers::new), mode);
                ShardAdmin admin = ShardAdmin.connect(cluster.peers());
                ShardedClient client = ShardedClient.connect(cluster.peers())) {
            cluster.awaitLeader();
            ShardMap map = admin.createShards("kv", 4, 3, servers(cluster));
            assertThat(map.version()).isEqualTo(1);
            assertThat(map.shards()).extracting(ShardMap.Shard::group).containsExactly("kv-0", "kv-1", "kv-2", "kv-3");
            assertThat(admin.createShards("kv", 4, 3, servers(cluster))).isEqualTo(map); // again: nothing changes

            List<String> written = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                written.add("key-" + i);
            }
            written.addAll(List.of("{user7}.profile", "{user7}.orders"));
            for (String key : written) {
                assertThat(client.submit(key, put(key, "v-" + key)).toStringUtf8())
                        .isEmpty();
            }
            for (String key : written) {
                assertThat(client.query(key, get(key)).toStringUtf8()).isEqualTo("v-" + key);
            }
            assertThat(client.submit("key-1", put("key-1", "again")).toStringUtf8())
                    .isEqualTo("v-key-1");

            assertThat(ShardMap.shardOf("{user7}.profile", 4)).isEqualTo(ShardMap.shardOf("{user7}.orders", 4));
            Set<String> seen = new TreeSet<>();
            for (int k = 0; k < 4; k++) {
                Set<String> held = keysOn(cluster, map, k);
                int shard = k;
                assertThat(held).allMatch(key -> ShardMap.shardOf(key, 4) == shard);
                seen.addAll(held);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(written);
        }
    }

    @Test
    void aCommandRoutedToTheWrongShardOrByAnOldMapIsRefusedAndNeverApplied() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(Registers::new), Replication.ACTIVE);
                ShardAdmin admin = ShardAdmin.connect(cluster.peers());
                ShardedClient client = ShardedClient.connect(cluster.peers())) {
            cluster.awaitLeader();
            ShardMap map = admin.createShards("kv", 4, 3, servers(cluster));
            String key = "misrouted";
            int owner = ShardMap.shardOf(key, 4);
            int other = (owner + 1) % 4;

            // Sent on purpose to a shard that does not own the key, as a client with a wrong map would.
            assertThat(refusal(cluster, map, other, keyed(key, other, 4, map.version())))
                    .contains("key 'misrouted' belongs to shard " + owner + ", not to shard " + other);
            // Routed to the owner but delivered to another shard's group.
            assertThat(refusal(cluster, map, other, keyed(key, owner, 4, map.version())))
                    .contains("routed to shard " + owner + " of 4, but this group is shard " + other);
            // The right shard, routed by a map older than its ownership.
            assertThat(refusal(cluster, map, owner, keyed(key, owner, 4, 0)))
                    .contains("routed by map version 0, older than shard " + owner);
            // By a map with another number of shards.
            assertThat(refusal(cluster, map, owner, keyed(key, owner, 2, map.version())))
                    .contains("routed to shard " + owner + " of 2");
            for (int k = 0; k < 4; k++) {
                assertThat(keysOn(cluster, map, k)).as("shard %d", k).doesNotContain(key);
            }

            // A placement change computed from an old version of the map: refused, the map unchanged.
            try (ReplicaClient placement = ReplicaClient.connect(cluster.peers())) {
                ShardReply reply = ShardReply.parseFrom(placement.submit(ShardCommand.newBuilder()
                        .setPlacement(PlacementCommand.newBuilder()
                                .setExpectedVersion(0)
                                .setRemoveSet(true))
                        .build()
                        .toByteString()));
                assertThat(reply.getRefused().getReason())
                        .contains("the shard map is at version 1, the change was computed from version 0");
            }
            assertThat(admin.map()).isEqualTo(map);

            // The set is removed and created again with 2 shards: a client still routing by the 4-shard map is
            // refused (or finds the group gone), reads the new map, and its commands land in the owning shard.
            assertThat(client.submit(key, put(key, "1")).toStringUtf8()).isEmpty();
            assertThat(client.map().version()).isEqualTo(1);
            assertThat(admin.removeShards().shardCount()).isZero();
            assertThatThrownBy(() -> client.query(key, get(key)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no shard set");
            ShardMap two = admin.createShards("kv", 2, 3, servers(cluster));
            assertThat(two.version()).isEqualTo(3);
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String k = "after-" + i;
                try {
                    client.submit(k, put(k, "x"));
                } catch (GroupNotFoundException e) {
                    client.submit(k, put(k, "x")); // the client has read the new map meanwhile
                }
                written.add(k);
            }
            assertThat(client.map().version()).isEqualTo(3);
            for (int k = 0; k < 2; k++) {
                int shard = k;
                assertThat(keysOn(cluster, two, k))
                        .allMatch(x -> ShardMap.shardOf(x, 2) == shard)
                        .doesNotContain(key);
            }
            assertThat(client.query(key, get(key)).toStringUtf8()).isEmpty(); // the removed set's data is gone
            for (String k : written) {
                assertThat(client.query(k, get(k)).toStringUtf8()).isEqualTo("x");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aShardsLeadingReplicaMovesWhileClientsWriteAndNoAcknowledgedWriteIsLost(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(Registers::new), mode);
                ShardAdmin admin = ShardAdmin.connect(cluster.peers());
                ShardedClient client = ShardedClient.connect(cluster.peers())) {
            cluster.awaitLeader();
            // Two replicas per shard over three servers: shard 0 on n1 and n2, shard 1 on n2 and n3.
            ShardMap map = admin.createShards("kv", 2, 2, servers(cluster));
            assertThat(map.shards().get(0).members())
                    .extracting(ShardingTest::idOf)
                    .containsExactly("n1", "n2");

            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "k" + (i % 64);
                    String value = "v" + i;
                    try {
                        client.submit(key, put(key, value));
                        acknowledged.put(key, value);
                    } catch (Exception e) {
                        failed.compareAndSet(null, e);
                    }
                }
            });
            writer.start();
            try {
                Awaits.await("writes before the move", WAIT, () -> acknowledged.size() >= 32);
                String leader;
                try (GroupAdmin shard0 = GroupAdmin.builder()
                        .group("kv-0")
                        .peers(map.shards().get(0).members())
                        .build()) {
                    leader = shard0.status().leader().orElseThrow();
                }
                String n3 = cluster.replica("n3").address();
                ShardMap moved = admin.moveShard(0, leader, "n3", n3);
                assertThat(moved.version()).isEqualTo(3); // begin and end of the move
                assertThat(moved.shards().get(0).members())
                        .extracting(ShardingTest::idOf)
                        .contains("n3")
                        .doesNotContain(leader)
                        .hasSize(2);
                assertThat(moved.shards().get(0).moving()).isEmpty();
                long last = lastWrite(acknowledged);
                Awaits.await("writes after the move", WAIT, () -> lastWrite(acknowledged) > last + 50);
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(failed.get()).as("no write failed").isNull();
            ShardMap after = admin.map();
            for (Map.Entry<String, String> w : acknowledged.entrySet()) {
                assertThat(client.query(w.getKey(), get(w.getKey())).toStringUtf8())
                        .isEqualTo(w.getValue());
            }
            // Every replica of each shard, the new one included, holds every acknowledged write.
            for (ShardMap.Shard s : after.shards()) {
                try (ReplicaClient c = ReplicaClient.builder()
                        .group(s.group())
                        .peers(s.members())
                        .build()) {
                    for (String member : s.members()) {
                        Awaits.await(
                                idOf(member) + " holds every acknowledged write of " + s.group(),
                                WAIT,
                                () -> acknowledged.entrySet().stream()
                                        .filter(w -> ShardMap.shardOf(w.getKey(), 2) == s.index())
                                        .allMatch(w -> stale(c, after, s.index(), idOf(member), w.getKey())
                                                .equals(w.getValue())));
                    }
                }
            }
        }
    }

    @Test
    void aMoveThatCannotSucceedIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(Registers::new), Replication.ACTIVE);
                ShardAdmin admin = ShardAdmin.connect(cluster.peers());
                ReplicaServer stranger = ReplicaServer.builder()
                        .id("n5")
                        .peers("n5=127.0.0.1:" + FreePorts.next())
                        .group("another-deployment")
                        .storage(dir.resolve("n5"))
                        .stateMachine(Sharded.of(Registers::new))
                        .build()
                        .start()) {
            cluster.awaitLeader();
            ShardMap map = admin.createShards("kv", 2, 2, servers(cluster)); // shard 0: n1 n2; shard 1: n2 n3
            String n3 = cluster.replica("n3").address();

            assertThatThrownBy(() -> admin.moveShard(7, "n1", "n3", n3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no shard 7: shard set 'kv' has shards 0 to 1");
            assertThatThrownBy(() ->
                            admin.moveShard(0, "n3", "n1", cluster.replica("n1").address()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'n3' is not a replica of shard 0");
            assertThatThrownBy(() ->
                            admin.moveShard(0, "n1", "n2", cluster.replica("n2").address()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'n2' is a replica of shard 0 already");
            String nobody = "127.0.0.1:" + FreePorts.next();
            assertThatThrownBy(() -> admin.moveShard(0, "n1", "n9", nobody))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("server n9 at " + nobody + " does not answer");
            assertThatThrownBy(() -> admin.moveShard(0, "n1", "n5", stranger.address()))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("is not a server of this deployment");
            assertThat(admin.map()).isEqualTo(map);
            assertThat(stranger.groups()).hasSize(1);

            // Another admin's move of shard 0 is under way: a second one is refused until it ends.
            try (ReplicaClient placement = ReplicaClient.connect(cluster.peers())) {
                placement.submit(ShardCommand.newBuilder()
                        .setPlacement(PlacementCommand.newBuilder()
                                .setExpectedVersion(map.version())
                                .setBeginMove(ShardMove.newBuilder()
                                        .setShard(0)
                                        .setFrom("n2")
                                        .setTo("n3=" + n3)))
                        .build()
                        .toByteString());
            }
            assertThatThrownBy(() -> admin.moveShard(0, "n1", "n3", n3))
                    .isInstanceOf(PlacementRefusedException.class)
                    .hasMessageContaining("shard 0 is being moved already (n2 -> n3=" + n3 + ")");
            ShardMap ended = admin.endMove(0); // that admin stopped: end its move from the group's membership
            assertThat(ended.shards().get(0).moving()).isEmpty();
            assertThat(ended.shards().get(0).members())
                    .isEqualTo(map.shards().get(0).members());

            // With n3 down, moving n2's replica of shard 1 (n2, n3) to n1 would leave n1 alone of two members.
            cluster.kill("n3");
            assertThatThrownBy(() ->
                            admin.moveShard(1, "n2", "n1", cluster.replica("n1").address()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("would leave it without a majority");
            assertThat(admin.map()).isEqualTo(ended);
        }
    }

    @Test
    void aServerThatJoinsTakesItsShareOfShardsAndOneThatLeavesHandsItsShardsOver(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(Registers::new), Replication.ACTIVE)) {
            cluster.awaitLeader();
            String n4Address = "127.0.0.1:" + FreePorts.next();
            // A new server of the deployment: it serves the placement group as a joiner, and no shard yet.
            try (ReplicaServer n4 = ReplicaServer.builder()
                            .id("n4")
                            .peers(cluster.peers() + ",n4=" + n4Address)
                            .join(true)
                            .storage(dir.resolve("n4"))
                            .stateMachine(Sharded.of(Registers::new))
                            .build()
                            .start();
                    ShardAdmin admin = ShardAdmin.connect(cluster.peers());
                    ShardedClient client = ShardedClient.connect(cluster.peers())) {
                // 4 shards of 2 replicas over n1..n3: n1 holds 3, n2 3, n3 2.
                admin.createShards("kv", 4, 2, servers(cluster));
                for (int i = 0; i < 20; i++) {
                    client.submit("k" + i, put("k" + i, "before"));
                }
                List<String> all = new ArrayList<>(servers(cluster));
                all.add("n4=" + n4Address);

                List<String> moves = admin.balance(all);
                assertThat(moves)
                        .filteredOn(m -> !m.contains("leader"))
                        .hasSize(2)
                        .allMatch(m -> m.endsWith("-> n4"));
                assertThat(replicasPerServer(admin.map()))
                        .containsOnly(Map.entry("n1", 2), Map.entry("n2", 2), Map.entry("n3", 2), Map.entry("n4", 2));
                assertThat(admin.balance(all))
                        .filteredOn(m -> !m.contains("leader"))
                        .isEmpty(); // balanced already
                for (int i = 0; i < 20; i++) {
                    assertThat(client.query("k" + i, get("k" + i)).toStringUtf8())
                            .isEqualTo("before");
                    client.submit("k" + i, put("k" + i, "after"));
                }

                List<String> drained = admin.drain("n4", all);
                assertThat(drained).hasSize(2).allMatch(m -> m.contains("n4 -> "));
                assertThat(replicasPerServer(admin.map())).doesNotContainKey("n4");
                assertThat(n4.groups()).hasSize(1); // only the placement group is left on it
                for (int i = 0; i < 20; i++) {
                    assertThat(client.query("k" + i, get("k" + i)).toStringUtf8())
                            .isEqualTo("after");
                }
                assertThatThrownBy(() -> admin.drain("n1", servers(cluster).subList(0, 2)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("has no server to go to");
            }
        }
    }

    private static Map<String, Integer> replicasPerServer(ShardMap map) {
        Map<String, Integer> held = new java.util.TreeMap<>();
        map.shards().forEach(s -> s.members().forEach(m -> held.merge(idOf(m), 1, Integer::sum)));
        return held;
    }

    private static List<String> servers(LocalCluster cluster) {
        return Arrays.asList(cluster.peers().split(","));
    }

    /** The number of the last acknowledged write (values are "v" and the write's number). */
    private static long lastWrite(Map<String, String> acknowledged) {
        return acknowledged.values().stream()
                .mapToLong(v -> Long.parseLong(v.substring(1)))
                .max()
                .orElse(-1);
    }

    private static String idOf(String peer) {
        return peer.substring(0, peer.indexOf('='));
    }

    private static KeyedCommand keyed(String key, int shard, int count, long version) {
        return KeyedCommand.newBuilder()
                .setKey(key)
                .setShard(shard)
                .setShardCount(count)
                .setMapVersion(version)
                .setCommand(put(key, "wrong"))
                .build();
    }

    /** Sends {@code keyed} to shard {@code k}'s group, and returns the refusal's reason. */
    private static String refusal(LocalCluster cluster, ShardMap map, int k, KeyedCommand keyed) throws Exception {
        try (ReplicaClient c = ReplicaClient.builder()
                .group(map.shards().get(k).group())
                .peers(cluster.peers())
                .build()) {
            ShardReply reply = ShardReply.parseFrom(
                    c.submit(ShardCommand.newBuilder().setKeyed(keyed).build().toByteString()));
            assertThat(reply.hasRefused()).as("refused: %s", reply).isTrue();
            return reply.getRefused().getReason();
        }
    }

    /** The keys shard {@code k} holds, read linearizably from its group. */
    private static Set<String> keysOn(LocalCluster cluster, ShardMap map, int k) throws Exception {
        try (ReplicaClient c = ReplicaClient.builder()
                .group(map.shards().get(k).group())
                .peers(cluster.peers())
                .build()) {
            ShardReply reply = ShardReply.parseFrom(c.query(ShardQuery.newBuilder()
                    .setKeyed(KeyedCommand.newBuilder()
                            .setKey(ownedKey(k, map.shardCount()))
                            .setShard(k)
                            .setShardCount(map.shardCount())
                            .setMapVersion(map.version())
                            .setCommand(keys()))
                    .build()
                    .toByteString()));
            String held = reply.getReply().toStringUtf8();
            return held.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(held.split(" ")));
        }
    }

    /** What replica {@code id} of shard {@code k} holds for {@code key}, without asking the leader. */
    private static String stale(ReplicaClient c, ShardMap map, int k, String id, String key) {
        try {
            ShardReply reply = ShardReply.parseFrom(c.queryStale(
                    ShardQuery.newBuilder()
                            .setKeyed(KeyedCommand.newBuilder()
                                    .setKey(key)
                                    .setShard(k)
                                    .setShardCount(map.shardCount())
                                    .setMapVersion(map.version())
                                    .setCommand(get(key)))
                            .build()
                            .toByteString(),
                    id));
            return reply.getReply().toStringUtf8();
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }

    private static String ownedKey(int k, int count) {
        for (int i = 0; ; i++) {
            if (ShardMap.shardOf("probe-" + i, count) == k) {
                return "probe-" + i;
            }
        }
    }
}
