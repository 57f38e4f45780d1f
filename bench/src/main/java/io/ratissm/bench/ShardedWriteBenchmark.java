package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.Replication;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.statemachines.PaddedCounter;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.Sharded;
import io.ratissm.shard.ShardedClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Param;

/**
 * Write throughput of a sharded deployment: {@code shards} shard groups of 3 replicas each, on the same 3 servers in
 * this JVM (one Ratis server each, hosting the placement group and every shard), with {@code outstanding} counter
 * commands in flight <em>per shard</em> through one {@link ShardedClient}; commands go round robin to one key per
 * shard. One op is one command acknowledged by its shard. On one host the shards share the machine's cores and disk,
 * so this measures what sharding costs (routing, more groups, more log files), not a speed-up: compare
 * {@code shards=4} with {@code shards=1} in one run.
 *
 * <p>After the trial, the shards' counters must add up to the acknowledged commands, or the trial fails.
 */
public class ShardedWriteBenchmark extends CounterWriteBenchmark {
    @Param({"ACTIVE"})
    public Replication mode;

    @Param({"1", "2", "4", "8"})
    public int shards;

    private RatisSmGroup servers;
    private ShardedClient client;
    private String[] keys;

    @Override
    protected ClosedLoop start() throws Exception {
        servers = RatisSmGroup.start(mode, Sharded.of(PaddedCounter::new), b -> {});
        String peers = servers.cluster().peers();
        try (ShardAdmin admin = ShardAdmin.connect(peers)) {
            admin.createShards("bench", shards, RatisSmGroup.REPLICAS, List.of(peers.split(",")));
        }
        client = ShardedClient.connect(peers);
        keys = new String[shards];
        for (int k = 0, i = 0; k < shards; i++) {
            if (ShardMap.shardOf("key-" + i, shards) == k) {
                keys[k++] = "key-" + i;
            }
        }
        ByteString command = ByteString.copyFrom(command());
        for (String key : keys) {
            client.submit(key, command); // the shard's client finds its leader before the load starts
        }
        AtomicInteger next = new AtomicInteger();
        return ClosedLoop.async(
                outstanding * shards,
                () -> client.submitAsync(keys[Math.floorMod(next.getAndIncrement(), shards)], command));
    }

    @Override
    protected void check(ClosedLoop load) throws Exception {
        long counted = 0;
        for (String key : keys) {
            counted += ByteBuffer.wrap(client.query(key, ByteString.EMPTY).toByteArray())
                    .getLong();
        }
        long acknowledged = load.completed() + shards; // and one warm-up command per shard
        if (counted != acknowledged) {
            throw new IllegalStateException("the shards counted " + counted + " commands but acknowledged "
                    + acknowledged + " (keys " + Arrays.toString(keys) + ")");
        }
    }

    @Override
    protected void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }
}
