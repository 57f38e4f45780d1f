package io.ratissm.shard;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The shard map of a sharded deployment, as its placement group holds it: which group serves each shard and on
 * which replicas. Every change (a move, the creation or removal of the shard set) makes a new {@link #version}.
 *
 * <p><b>Keys to shards.</b> A key belongs to shard {@code crc32c(h) mod n}, where {@code n} is the number of shards
 * and {@code h} is the UTF-8 bytes of the key's <em>hash tag</em>: the text between the first {@code '{'} and the
 * first {@code '}'} after it, if that text is not empty, else the whole key (the rule of Redis Cluster). Keys with
 * the same tag, such as {@code {user42}.profile} and {@code {user42}.orders}, are in one shard, so one shard's
 * commands can keep them consistent together. The function is fixed: it never depends on the map's version, and the
 * number of shards is fixed for the life of a shard set.
 *
 * @param version the map's version: 0 before a shard set was created, then one more at every change
 * @param set     the shard set's name ({@code ""} when there is none); shard {@code k}'s group is named
 *                {@code set-k}
 * @param shards  the shards, shard {@code k} at index {@code k}; empty when there is no shard set
 */
public record ShardMap(long version, String set, List<Shard> shards) {

    public ShardMap {
        if (version < 0) {
            throw new IllegalArgumentException("a map version is never negative: " + version);
        }
        shards = List.copyOf(shards);
        for (int k = 0; k < shards.size(); k++) {
            if (shards.get(k).index() != k) {
                throw new IllegalArgumentException("shard " + shards.get(k).index() + " is at position " + k);
            }
        }
    }

    /**
     * One shard.
     *
     * @param index   its number, from 0
     * @param group   the name of the group that serves it
     * @param members its replicas, as {@code id=host:port}
     * @param moving  while a move of one of its replicas runs, {@code "from -> id=host:port"}
     */
    public record Shard(int index, String group, List<String> members, Optional<String> moving) {
        public Shard {
            members = List.copyOf(members);
        }

        /** The replicas as one peers string for {@link io.ratissm.ReplicaClient.Builder#peers(String...)}. */
        public String peers() {
            return String.join(",", members);
        }
    }

    /** The number of shards (0 when there is no shard set). */
    public int shardCount() {
        return shards.size();
    }

    /**
     * The shard that owns {@code key}.
     *
     * @throws IllegalStateException if the map has no shard set
     */
    public Shard shardFor(String key) {
        if (shards.isEmpty()) {
            throw new IllegalStateException("the shard map (version " + version + ") has no shard set: create one first"
                    + " (ShardAdmin.createShards, or 'ratis-sm admin create-shards')");
        }
        return shards.get(shardOf(key, shards.size()));
    }

    /** The shard of {@code key} among {@code count} shards (see the class comment for the function). */
    public static int shardOf(String key, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a shard set has at least one shard, not " + count);
        }
        CRC32C crc = new CRC32C();
        crc.update(hashTag(key).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    /** The part of {@code key} that chooses its shard: a non-empty {@code {tag}}, else the whole key. */
    public static String hashTag(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key.substring(open + 1, close);
            }
        }
        return key;
    }
}
