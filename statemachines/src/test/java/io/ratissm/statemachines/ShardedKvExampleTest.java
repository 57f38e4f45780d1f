package io.ratissm.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.Replication;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.Sharded;
import io.ratissm.shard.ShardedClient;
import io.ratissm.statemachines.proto.KvReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Sharded groups" example, run: a key-value store in 8 shards over three servers. */
class ShardedKvExampleTest {

    @Test
    void theReadmeExampleStoresAndReadsKeysAcrossShards() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, Sharded.of(KvStore::new), Replication.PASSIVE)) {
            cluster.awaitLeader();
            String servers = cluster.peers();

            // As in the README, from here on.
            try (ShardAdmin admin = ShardAdmin.connect(servers)) {
                admin.createShards("kv", 8, 3, List.of(servers.split(",")));
            }
            try (ShardedClient client = ShardedClient.connect(servers)) {
                client.submit(
                        "{user42}.name",
                        KvStore.put("{user42}.name", ByteString.copyFromUtf8("Ada")),
                        KvReply.parser());
                client.submit(
                        "{user42}.city",
                        KvStore.put("{user42}.city", ByteString.copyFromUtf8("London")),
                        KvReply.parser());
                KvReply name = client.query("{user42}.name", KvStore.get("{user42}.name"), KvReply.parser());
                assertThat(name.getValue().toStringUtf8()).isEqualTo("Ada");

                for (int i = 0; i < 32; i++) {
                    client.submit(
                            "key-" + i, KvStore.put("key-" + i, ByteString.copyFromUtf8("v" + i)), KvReply.parser());
                }
                for (int i = 0; i < 32; i++) {
                    assertThat(client.query("key-" + i, KvStore.get("key-" + i), KvReply.parser())
                                    .getValue()
                                    .toStringUtf8())
                            .isEqualTo("v" + i);
                }
                ShardMap map = client.map();
                assertThat(map.shardCount()).isEqualTo(8);
                assertThat(map.shardFor("{user42}.name")).isEqualTo(map.shardFor("{user42}.city"));
                // Each shard holds only its own keys: a shard's size counts the keys that hash to it.
                for (ShardMap.Shard s : map.shards()) {
                    long expected = 0;
                    String any = null;
                    for (int i = 0; i < 32; i++) {
                        if (map.shardFor("key-" + i).index() == s.index()) {
                            expected++;
                            any = "key-" + i;
                        }
                    }
                    if (map.shardFor("{user42}.name").index() == s.index()) {
                        expected += 2;
                        any = "{user42}.name";
                    }
                    if (any != null) {
                        assertThat(client.query(any, KvStore.size(), KvReply.parser())
                                        .getSize())
                                .as("keys in shard %d", s.index())
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }
}
