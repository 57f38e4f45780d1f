package io.ratissm.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.shard.ShardMap;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The register's keys in a sharded run: every op names its one key, and the keys cover every shard at all times. */
class RegisterWorkloadShardsTest {

    @Test
    void eachLiveSlotKeepsToOneShardSoEveryShardTakesOperationsAllTheTime() {
        RegisterWorkload register = new RegisterWorkload(4, 10, Duration.ofSeconds(1), 4);
        Random random = new Random(7);
        Map<Long, Integer> shardOfKey = new HashMap<>();
        Set<Integer> recentShards = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            Invocation op = register.next(random);
            long key = (Long) ((List<?>) op.value()).get(0);
            String storeKey = register.shardKey(op);
            assertThat(storeKey).isEqualTo("r" + key);
            int shard = ShardMap.shardOf(storeKey, 4);
            shardOfKey.put(key, shard);
            recentShards.add(shard);
            if (i % 40 == 39) {
                assertThat(recentShards).as("shards of ops %d-%d", i - 39, i).containsExactlyInAnyOrder(0, 1, 2, 3);
                recentShards.clear();
            }
        }
        // Keys retire after 10 ops: about 200 keys, spread evenly over the shards.
        assertThat(shardOfKey).hasSizeGreaterThan(150);
        for (int s = 0; s < 4; s++) {
            int shard = s;
            assertThat(shardOfKey.values().stream().filter(v -> v == shard).count())
                    .as("keys of shard %d", s)
                    .isGreaterThan(30);
        }
    }

    @Test
    void unshardedTheKeysAreNumberedInOrderAsBefore() {
        RegisterWorkload register = new RegisterWorkload(2, 300, Duration.ofSeconds(1));
        Random random = new Random(1);
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            keys.add((Long) ((List<?>) register.next(random).value()).get(0));
        }
        assertThat(keys).containsExactlyInAnyOrder(0L, 1L);
    }
}
