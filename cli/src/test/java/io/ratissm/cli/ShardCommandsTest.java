package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.Replication;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.Sharded;
import io.ratissm.shard.ShardedClient;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.KvReply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code admin create-shards | shards | move-shard | remove-shards} against three sharded servers. */
class ShardCommandsTest {

    private record Result(int exit, String out, String err) {}

    private static Result admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new AdminCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anOperatorCreatesShardsMovesOneAndRemovesThemFromTheCommandLine() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(KvStore::new), Replication.ACTIVE)) {
            cluster.awaitLeader();
            String peers = cluster.peers();
            Result created = admin("--peers", peers, "create-shards", "kv", "3", "2");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.out())
                    .startsWith("shard map version 1: set kv, 3 shards\n")
                    .contains("  0 kv-0 n1=")
                    .contains("  2 kv-2 n3=");

            try (ShardedClient client = ShardedClient.connect(peers)) {
                client.submit(
                        "k", KvStore.put("k", ByteString.copyFromUtf8("v")).toByteString());
                int shard = ShardMap.shardOf("k", 3);
                String from = idOf(client.map().shards().get(shard).members().get(0));
                String to = cluster.ids().stream()
                        .filter(id -> client.map().shards().get(shard).members().stream()
                                .noneMatch(m -> idOf(m).equals(id)))
                        .findFirst()
                        .orElseThrow();
                Result moved = admin(
                        "--peers",
                        peers,
                        "move-shard",
                        "" + shard,
                        from,
                        to + "=" + cluster.replica(to).address());
                assertThat(moved.exit()).as(moved.err()).isZero();
                assertThat(moved.out())
                        .contains("OK: shard " + shard + "'s replica moved from " + from + " to " + to)
                        .contains("shard map version 3");
                KvReply r = KvReply.parseFrom(client.query("k", KvStore.get("k").toByteString()));
                assertThat(r.getValue().toStringUtf8()).isEqualTo("v");
            }

            Result noShard = admin("--peers", peers, "move-shard", "7", "n1", "n2=127.0.0.1:1");
            assertThat(noShard.exit()).isEqualTo(GroupOptions.USAGE);
            assertThat(noShard.err()).contains("no shard 7");
            Result badTarget = admin("--peers", peers, "move-shard", "0", "n1", "n2");
            assertThat(badTarget.exit()).isEqualTo(GroupOptions.USAGE);
            assertThat(badTarget.err()).contains("TO is the new server as id=host:port");

            Result balanced = admin("--peers", peers, "balance");
            assertThat(balanced.exit()).as(balanced.err()).isZero();
            // The move left one server with a replica more than its share: balance moves it back.
            assertThat(balanced.out()).contains("moved shard ").contains("OK: ");
            Map<String, Integer> held = new TreeMap<>();
            try (ShardAdmin shardAdmin = ShardAdmin.connect(peers)) {
                shardAdmin.map().shards().forEach(s -> s.members().forEach(m -> held.merge(idOf(m), 1, Integer::sum)));
            }
            assertThat(held).containsOnly(Map.entry("n1", 2), Map.entry("n2", 2), Map.entry("n3", 2));
            assertThat(admin("--peers", peers, "balance").out()).contains("OK: ");

            Result shown = admin("--peers", peers, "shards");
            assertThat(shown.out()).startsWith("shard map version ").contains(": set kv, 3 shards");
            Result removed = admin("--peers", peers, "remove-shards");
            assertThat(removed.exit()).as(removed.err()).isZero();
            assertThat(removed.out()).startsWith("shard map version ").endsWith(": no shard set\n");
            assertThat(cluster.replica("n1").groups()).hasSize(1);
        }
    }

    private static String idOf(String peer) {
        return peer.substring(0, peer.indexOf('='));
    }
}
