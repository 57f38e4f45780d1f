package io.ratissm.jepsen.nodes;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The shard set of a sharded run, on the servers of a {@link Cluster} that run with {@code sharded = true}: {@code
 * count} shards named {@code <name>-0..<name>-(count-1)}, each a group of {@code replicas} replicas placed round robin
 * on every server ({@link ShardAdmin#createShards}). The servers' own group is the placement group that holds the
 * {@link ShardMap}. It keeps the tally of the shard moves the {@code move-shard} nemesis made. Thread-safe.
 */
public final class ShardSet implements AutoCloseable {
    private final Cluster cluster;
    private final String name;
    private final int count;
    private final int replicas;
    private final ShardAdmin admin;
    private final AtomicLong moved = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Held for each move, by whichever {@code move-shard} nemesis makes it: one move at a time in a run. */
    private final ReentrantLock moving = new ReentrantLock();

    /**
     * @param timeout how long one step of the admin may take (a read of the map, a group's creation, one step of a
     *                move: adding the new replica, which receives the shard's state, handing the leadership over,
     *                removing the old one)
     */
    public ShardSet(Cluster cluster, String name, int count, int replicas, Duration timeout) {
        if (count < 1 || replicas < 1 || replicas > cluster.ids().size()) {
            throw new IllegalArgumentException("a shard set has at least one shard of 1 to "
                    + cluster.ids().size() + " replicas, not " + count + " of " + replicas);
        }
        this.cluster = cluster;
        this.name = name;
        this.count = count;
        this.replicas = replicas;
        this.admin = ShardAdmin.builder()
                .peers(cluster.clientPeers())
                .timeout(timeout)
                .build();
    }

    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    public int replicas() {
        return replicas;
    }

    /** The placement group's replicas ({@code id=host:port,...}): every server. */
    public String placementPeers() {
        return cluster.clientPeers();
    }

    public ShardAdmin admin() {
        return admin;
    }

    /**
     * Creates the shard set on every server, or finds it created; a creation that failed half way (a server did not
     * answer) may simply be made again.
     *
     * @return the map with the set
     */
    public ShardMap create() {
        List<String> servers = new ArrayList<>();
        for (String id : cluster.ids()) {
            servers.add(id + "=" + cluster.address(id));
        }
        return admin.createShards(name, count, replicas, servers);
    }

    /** The map, read linearizably from the placement group. */
    public ShardMap map() {
        return admin.map();
    }

    /**
     * Takes the right to make one move now, if no other move is in flight; {@link #doneMoving} gives it back. Moves
     * are made one at a time, so that a move the map still records while none is in flight was abandoned.
     */
    public boolean tryBeginMoving() {
        return moving.tryLock();
    }

    /** Gives back the right {@link #tryBeginMoving} took. */
    public void doneMoving() {
        moving.unlock();
    }

    /**
     * Waits until no move is in flight, at most {@code timeout}, then ends every move the map still records ({@link
     * ShardAdmin#endMove}: an admin stopped between the move's begin and its end).
     *
     * @param log where each move ended, or why none could be, is written
     * @return what was done: per move ended {@code [shard "from -> to" version]} (or the error instead of the
     *         version); {@code [:moves-in-flight]} if a move was still in flight after {@code timeout}
     */
    public List<Object> endAbandonedMoves(Duration timeout, Consumer<String> log) throws InterruptedException {
        if (!moving.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.accept("move-shard: a move is still in flight after " + timeout + "; no abandoned move ended");
            return List.of(Keyword.of("moves-in-flight"));
        }
        try {
            ShardMap map;
            try {
                map = admin.map();
            } catch (RuntimeException e) {
                log.accept("move-shard: the shard map could not be read to end abandoned moves: " + e.getMessage());
                return List.of(List.of(Keyword.of("error"), String.valueOf(e.getMessage())));
            }
            List<Object> ended = new ArrayList<>();
            for (ShardMap.Shard s : map.shards()) {
                if (s.moving().isEmpty()) {
                    continue;
                }
                try {
                    ShardMap after = admin.endMove(s.index());
                    ended.add(List.of((long) s.index(), s.moving().get(), after.version()));
                    log.accept("move-shard: ended shard " + s.index() + "'s abandoned move "
                            + s.moving().get()
                            + ", members now " + after.shards().get(s.index()).members() + ", map version "
                            + after.version());
                } catch (RuntimeException e) {
                    ended.add(List.of((long) s.index(), s.moving().get(), String.valueOf(e.getMessage())));
                    log.accept("move-shard: could not end shard " + s.index() + "'s abandoned move: " + e);
                }
            }
            return ended;
        } finally {
            moving.unlock();
        }
    }

    /** What happened to one attempt to move a shard's replica. */
    public enum MoveOutcome {
        /** The replica moved and the map records the new members. */
        MOVED,
        /** Nothing changed: the placement group, the shard or the target refused the move before it began. */
        REFUSED,
        /** The move began and ended part way (the map records the members the shard's group had then). */
        FAILED
    }

    /** Counts one attempted move. */
    public void count(MoveOutcome outcome) {
        switch (outcome) {
            case MOVED -> moved.incrementAndGet();
            case REFUSED -> refused.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
        }
    }

    /** The moves attempted so far, by outcome. */
    public Moves moves() {
        return new Moves(moved.get(), refused.get(), failed.get());
    }

    /** Attempted moves by outcome. */
    public record Moves(long moved, long refused, long failed) {}

    /** The id of a map member, {@code id=host:port}. */
    public static String idOf(String member) {
        return member.substring(0, member.indexOf('='));
    }

    @Override
    public void close() {
        admin.close();
    }
}
