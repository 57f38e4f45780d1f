package io.ratissm.internal.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import io.ratissm.internal.proto.KeyedCommand;
import io.ratissm.internal.proto.PlacementCommand;
import io.ratissm.internal.proto.ShardAssignment;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardMapState;
import io.ratissm.internal.proto.ShardMove;
import io.ratissm.internal.proto.ShardQuery;
import io.ratissm.internal.proto.ShardReply;
import io.ratissm.internal.proto.ShardState;
import io.ratissm.shard.ShardMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One group of a sharded deployment, without replication: its role, its refusals, its map and its snapshot. */
class ShardedGroupTest {
    private static final ShardAssignment SHARD_1_OF_4 = ShardAssignment.newBuilder()
            .setSet("kv")
            .setIndex(1)
            .setCount(4)
            .setSince(3)
            .build();

    @Test
    void keysHashByTheirTagWithAFixedFunction() {
        // Pinned values: the function may never change, or keys would move between shards on an upgrade.
        assertThat(ShardMap.shardOf("a", 4)).isEqualTo(ShardMap.shardOf("{a}", 4));
        assertThat(ShardMap.hashTag("{user42}.orders")).isEqualTo("user42");
        assertThat(ShardMap.hashTag("x{}y")).isEqualTo("x{}y");
        assertThat(ShardMap.hashTag("no}tag{here")).isEqualTo("no}tag{here");
        assertThat(ShardMap.hashTag("a{b}c{d}")).isEqualTo("b");
        List<Integer> shards = new ArrayList<>();
        for (String key : List.of("alpha", "beta", "gamma", "delta", "epsilon")) {
            shards.add(ShardMap.shardOf(key, 8));
        }
        assertThat(shards).containsExactly(1, 1, 4, 3, 3); // crc32c(key) mod 8
        assertThatThrownBy(() -> ShardMap.shardOf("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShardRunsOnlyCommandsForItsOwnKeysRoutedByAMapNotOlderThanItsOwnership() throws Exception {
        Echo user = new Echo();
        ShardedGroup g = new ShardedGroup(user);
        assertThat(reply(g.apply(keyed(keyOf(1), 1, 4, 3))).getRefused().getReason())
                .contains("not a shard yet");
        assertThat(reply(g.apply(assign(SHARD_1_OF_4))).getRole().getShard()).isEqualTo(SHARD_1_OF_4);
        assertThat(reply(g.apply(assign(SHARD_1_OF_4))).hasRole()).isTrue(); // the same again: nothing changes
        assertThat(reply(g.apply(assign(SHARD_1_OF_4.toBuilder().setIndex(2).build())))
                        .getRefused()
                        .getReason())
                .contains("a group's role never changes");

        assertThat(reply(g.apply(keyed(keyOf(1), 1, 4, 3))).getReply().toStringUtf8())
                .isEqualTo("ok");
        assertThat(reply(g.apply(keyed(keyOf(2), 1, 4, 3))).getRefused().getReason())
                .contains("belongs to shard 2, not to shard 1 of 4");
        assertThat(reply(g.apply(keyed(keyOf(1), 1, 4, 2))).getRefused())
                .satisfies(r -> assertThat(r.getReason()).contains("older than shard 1 of 4"))
                .satisfies(r -> assertThat(r.getMapVersion()).isEqualTo(3));
        assertThat(reply(g.apply(placement(
                                PlacementCommand.newBuilder().setRemoveSet(true).build())))
                        .getRefused()
                        .getReason())
                .contains("not the placement group");
        assertThat(user.applied).containsExactly(keyOf(1)); // the refused never reached the user's state machine

        assertThatThrownBy(() -> g.apply(ByteString.copyFromUtf8("\u00ff\u00ff")))
                .isInstanceOf(MalformedCommand.class)
                .hasMessageContaining("does not parse");

        // The role survives a snapshot; a fresh instance that loads it refuses and runs alike.
        ShardedGroup loaded = new ShardedGroup(new Echo());
        loaded.readSnapshot(new ByteArrayInputStream(snapshot(g)));
        assertThat(reply(loaded.apply(keyed(keyOf(2), 1, 4, 3))).hasRefused()).isTrue();
        assertThat(reply(loaded.apply(keyed(keyOf(1), 1, 4, 9))).getReply().toStringUtf8())
                .isEqualTo("ok");
    }

    @Test
    void thePlacementGroupChangesItsMapOnlyFromTheVersionItHoldsAndOneMoveAtATime() throws Exception {
        ShardedEffectGroup g = new ShardedEffectGroup(new EchoEffects());
        ShardMapState set = ShardMapState.newBuilder()
                .setSet("kv")
                .addShards(ShardState.newBuilder()
                        .setGroup("kv-0")
                        .addMembers("n1=h:1")
                        .addMembers("n2=h:2"))
                .build();
        ShardMapState v1 = reply(
                        g.execute(placement(version(0).setCreateSet(set).build()))
                                .reply())
                .getMap();
        assertThat(v1.getVersion()).isEqualTo(1);
        assertThat(reply(g.apply(placement(version(0).setRemoveSet(true).build())))
                        .getRefused()
                        .getReason())
                .contains("the shard map is at version 1, the change was computed from version 0");
        assertThat(reply(g.apply(placement(version(1).setCreateSet(set).build())))
                        .getRefused()
                        .getReason())
                .contains("already has shard set 'kv'");

        ShardMove move =
                ShardMove.newBuilder().setShard(0).setFrom("n1").setTo("n3=h:3").build();
        assertThat(reply(g.apply(placement(version(1).setBeginMove(move).build())))
                        .getMap()
                        .getShards(0)
                        .getMoving())
                .isEqualTo("n1 -> n3=h:3");
        assertThat(reply(g.apply(placement(version(2).setBeginMove(move).build())))
                        .getRefused()
                        .getReason())
                .contains("shard 0 is being moved already");
        assertThat(reply(g.apply(placement(version(2)
                                .setBeginMove(move.toBuilder().setShard(5))
                                .build())))
                        .getRefused()
                        .getReason())
                .contains("no shard 5");
        ShardMapState ended = reply(g.apply(placement(version(2)
                        .setEndMove(ShardMove.newBuilder()
                                .setShard(0)
                                .addMembers("n2=h:2")
                                .addMembers("n3=h:3"))
                        .build())))
                .getMap();
        assertThat(ended.getVersion()).isEqualTo(3);
        assertThat(ended.getShards(0).getMembersList()).containsExactly("n2=h:2", "n3=h:3");
        assertThat(ended.getShards(0).getMoving()).isEmpty();
        assertThat(reply(g.query(ShardQuery.newBuilder().setMap(true).build().toByteString()))
                        .getMap())
                .isEqualTo(ended);

        // PASSIVE mode: a follower repeats the leader's updates and ends with the same map.
        ShardedEffectGroup follower = new ShardedEffectGroup(new EchoEffects());
        ShardedEffectGroup leader = new ShardedEffectGroup(new EchoEffects());
        for (ShardCommand c : List.of(
                ShardCommand.newBuilder()
                        .setPlacement(version(0).setCreateSet(set))
                        .build(),
                ShardCommand.newBuilder()
                        .setPlacement(version(1).setBeginMove(move))
                        .build())) {
            follower.applyUpdate(leader.execute(c.toByteString()).update());
        }
        assertThat(snapshot(follower)).isEqualTo(snapshot(leader));
    }

    private static PlacementCommand.Builder version(long v) {
        return PlacementCommand.newBuilder().setExpectedVersion(v);
    }

    private static String keyOf(int shard) {
        for (int i = 0; ; i++) {
            if (ShardMap.shardOf("k" + i, 4) == shard) {
                return "k" + i;
            }
        }
    }

    private static ByteString keyed(String key, int shard, int count, long version) {
        return ShardCommand.newBuilder()
                .setKeyed(KeyedCommand.newBuilder()
                        .setKey(key)
                        .setShard(shard)
                        .setShardCount(count)
                        .setMapVersion(version)
                        .setCommand(ByteString.copyFromUtf8(key)))
                .build()
                .toByteString();
    }

    private static ByteString assign(ShardAssignment a) {
        return ShardCommand.newBuilder().setAssign(a).build().toByteString();
    }

    private static ByteString placement(PlacementCommand p) {
        return ShardCommand.newBuilder().setPlacement(p).build().toByteString();
    }

    private static ShardReply reply(ByteString bytes) throws Exception {
        return ShardReply.parseFrom(bytes);
    }

    private static byte[] snapshot(StateMachine sm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        return out.toByteArray();
    }

    /** Records the commands it applies (each command is a key) and answers "ok". */
    static class Echo implements StateMachine {
        final List<String> applied = new ArrayList<>();

        @Override
        public ByteString apply(ByteString command) {
            applied.add(command.toStringUtf8());
            return ByteString.copyFromUtf8("ok");
        }

        @Override
        public ByteString query(ByteString query) throws CommandRejected {
            return ByteString.copyFromUtf8(String.join(",", applied));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            out.write(String.join(",", applied).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!all.isEmpty()) {
                applied.addAll(List.of(all.split(",")));
            }
        }
    }

    static final class EchoEffects extends Echo implements io.ratissm.EffectStateMachine {
        @Override
        public Execution execute(ByteString command) {
            return new Execution(apply(command), command);
        }

        @Override
        public void applyUpdate(ByteString update) {
            apply(update);
        }
    }
}
