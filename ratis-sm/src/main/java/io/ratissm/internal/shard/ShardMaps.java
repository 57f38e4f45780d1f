package io.ratissm.internal.shard;

import io.ratissm.internal.proto.ShardMapState;
import io.ratissm.internal.proto.ShardState;
import io.ratissm.shard.ShardMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The shard map between its replicated form and the public {@link ShardMap}. */
public final class ShardMaps {
    private ShardMaps() {}

    public static ShardMap fromState(ShardMapState s) {
        List<ShardMap.Shard> shards = new ArrayList<>();
        for (int k = 0; k < s.getShardsCount(); k++) {
            ShardState shard = s.getShards(k);
            shards.add(new ShardMap.Shard(
                    k,
                    shard.getGroup(),
                    shard.getMembersList(),
                    shard.getMoving().isEmpty() ? Optional.empty() : Optional.of(shard.getMoving())));
        }
        return new ShardMap(s.getVersion(), s.getSet(), shards);
    }

    /** The name of shard {@code index}'s group in shard set {@code set}. */
    public static String groupName(String set, int index) {
        return set + "-" + index;
    }
}
