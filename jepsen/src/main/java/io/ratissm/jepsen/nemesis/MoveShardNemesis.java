package io.ratissm.jepsen.nemesis;

import io.ratissm.UnavailableException;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.ShardSet;
import io.ratissm.shard.PlacementRefusedException;
import io.ratissm.shard.ShardMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves random shard replicas while the clients write ({@code move-shard}; a sharded run only). For the length of its
 * window a thread of its own moves one replica after another: it reads the shard map, picks a random shard, a random
 * replica of it and a random server that hosts no replica of it, and calls {@link
 * io.ratissm.shard.ShardAdmin#moveShard} (add the new replica, which receives the shard's state, hand the leadership
 * over if the old one leads, remove the old one, record the new members in the map); then it waits {@link
 * #BETWEEN_MOVES} and moves the next. One move runs at a time in a run, whichever {@code move-shard} makes it ({@link
 * ShardSet#tryBeginMoving}).
 *
 * <p>{@link #stop} ends the window: the thread makes no further move, and {@link #stop} waits up to {@link #STOP_WAIT}
 * for the move in flight. A move can take longer (it cannot complete while, say, a partition joined with this fault
 * cuts the new replica off, and that partition is healed only after this part stops); it then goes on in the
 * background, and is reported with the next window's moves. The run waits for it before its final reads.
 *
 * <p>A move the deployment refuses before it begins is an outcome, not an error of the run: another move of the shard
 * is recorded ({@link PlacementRefusedException}), the move would leave the shard without a majority answering
 * ({@link IllegalStateException}), the target server is down ({@link UnavailableException}), the map changed since it
 * was read ({@link IllegalArgumentException}), or the map cannot be read. A move that began and then failed (the map's
 * version moved on) ended part way: {@code ShardAdmin} records the members the shard's group had then. Each attempt is
 * written to the run log as it ends and counted ({@link ShardSet#count}); {@link #stop} returns the window's attempts
 * ({@code [:moves [{:shard 2, :from "n1", :to "n3", :outcome :moved, :ms 2210, :map-version 7} ...]]}) and, when no
 * move is in flight, ends any move that an interrupted admin left recorded in the map ({@link
 * ShardSet#endAbandonedMoves}).
 */
public final class MoveShardNemesis implements Nemesis {
    /** The pause after each attempt: a refused move comes back at once, and the clients need the placement group. */
    static final Duration BETWEEN_MOVES = Duration.ofMillis(500);
    /** How long {@link #stop} waits for a move in flight before it leaves it to finish in the background. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Cluster cluster;
    private final ShardSet shards;
    private final Random random;
    private final Consumer<String> log;
    private final List<Object> attempts = Collections.synchronizedList(new ArrayList<>());
    private Thread mover;
    private CountDownLatch stopping;

    /**
     * @param random seeds the nemesis's own random choices (its thread runs beside the other nemeses')
     * @param log    where each attempt is written as it ends (the run log)
     */
    public MoveShardNemesis(Cluster cluster, ShardSet shards, Random random, Consumer<String> log) {
        this.cluster = cluster;
        this.shards = shards;
        this.random = new Random(random.nextLong());
        this.log = log;
    }

    @Override
    public String name() {
        return "move-shard";
    }

    @Override
    public Object start() {
        if (mover != null) {
            stopping.countDown(); // a window that was not stopped: its thread ends after its move in flight
        }
        CountDownLatch stop = new CountDownLatch(1);
        stopping = stop;
        mover = new Thread(() -> moveUntil(stop), "jepsen move-shard");
        mover.setDaemon(true);
        mover.start();
        Map<Keyword, Object> what = new LinkedHashMap<>();
        what.put(Keyword.of("set"), shards.name());
        what.put(Keyword.of("shards"), (long) shards.count());
        what.put(Keyword.of("replicas"), (long) shards.replicas());
        return List.of(Keyword.of("moving-shards"), what);
    }

    @Override
    public Object stop() {
        List<Object> result = new ArrayList<>();
        result.add(Keyword.of("moves"));
        boolean stillMoving = false;
        if (mover != null) {
            stopping.countDown();
            try {
                mover.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stillMoving = mover.isAlive();
            if (stillMoving) {
                log.accept("move-shard: a move is still in flight " + STOP_WAIT + " after the window ended; it goes on"
                        + " in the background");
            }
            mover = null;
        }
        result.add(takeAttempts());
        if (stillMoving) {
            result.add(Keyword.of("still-moving"));
            return result;
        }
        try {
            List<Object> ended = shards.endAbandonedMoves(Duration.ZERO, log);
            if (!ended.isEmpty()) {
                result.add(Keyword.of("ended-abandoned"));
                result.add(ended);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /** The attempts since the last call, which are then forgotten. */
    private List<Object> takeAttempts() {
        synchronized (attempts) {
            List<Object> taken = List.copyOf(attempts);
            attempts.clear();
            return taken;
        }
    }

    private void moveUntil(CountDownLatch stop) {
        try {
            do {
                if (!shards.tryBeginMoving()) {
                    continue; // another move-shard's move is in flight: one at a time
                }
                try {
                    attempts.add(moveOnce());
                } finally {
                    shards.doneMoving();
                }
            } while (!stop.await(BETWEEN_MOVES.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.accept("move-shard: the mover stopped: " + e);
        }
    }

    /** One attempt: what was chosen, its outcome, and how long it took. */
    private Map<Keyword, Object> moveOnce() {
        Map<Keyword, Object> attempt = new LinkedHashMap<>();
        long began = System.nanoTime();
        ShardMap before;
        try {
            before = shards.map();
        } catch (RuntimeException e) {
            return refused(attempt, began, "the shard map could not be read: " + e.getMessage());
        }
        ShardMap.Shard shard = before.shards().get(random.nextInt(before.shardCount()));
        List<String> hosts = shard.members().stream().map(ShardSet::idOf).toList();
        String from = hosts.get(random.nextInt(hosts.size()));
        List<String> free =
                cluster.ids().stream().filter(id -> !hosts.contains(id)).toList();
        attempt.put(Keyword.of("shard"), (long) shard.index());
        attempt.put(Keyword.of("from"), from);
        if (free.isEmpty()) {
            return refused(attempt, began, "every server hosts a replica of shard " + shard.index());
        }
        String to = free.get(random.nextInt(free.size()));
        attempt.put(Keyword.of("to"), to);
        try {
            ShardMap after = shards.admin().moveShard(shard.index(), from, to, cluster.address(to));
            attempt.put(Keyword.of("outcome"), Keyword.of("moved"));
            attempt.put(Keyword.of("ms"), millisSince(began));
            attempt.put(Keyword.of("map-version"), after.version());
            shards.count(ShardSet.MoveOutcome.MOVED);
            log.accept("move-shard: moved shard " + shard.index() + "'s replica from " + from + " to " + to + " in "
                    + millisSince(began) + " ms; members now "
                    + after.shards().get(shard.index()).members().stream()
                            .map(ShardSet::idOf)
                            .toList()
                    + ", map version " + after.version());
            return attempt;
        } catch (PlacementRefusedException
                | IllegalStateException
                | IllegalArgumentException
                | UnavailableException e) {
            Long versionAfter = versionNow();
            if (versionAfter != null && versionAfter == before.version()) {
                return refused(attempt, began, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return failed(attempt, began, e, versionAfter);
        } catch (RuntimeException e) {
            return failed(attempt, began, e, versionNow());
        }
    }

    private Map<Keyword, Object> refused(Map<Keyword, Object> attempt, long began, String why) {
        attempt.put(Keyword.of("outcome"), Keyword.of("refused"));
        attempt.put(Keyword.of("ms"), millisSince(began));
        attempt.put(Keyword.of("why"), why);
        shards.count(ShardSet.MoveOutcome.REFUSED);
        log.accept("move-shard: refused" + describe(attempt) + ": " + why);
        return attempt;
    }

    private Map<Keyword, Object> failed(Map<Keyword, Object> attempt, long began, RuntimeException e, Long version) {
        attempt.put(Keyword.of("outcome"), Keyword.of("failed"));
        attempt.put(Keyword.of("ms"), millisSince(began));
        attempt.put(Keyword.of("why"), e.getClass().getSimpleName() + ": " + e.getMessage());
        attempt.put(Keyword.of("map-version"), version);
        shards.count(ShardSet.MoveOutcome.FAILED);
        log.accept("move-shard: failed part way" + describe(attempt) + " (map version now " + version + "): " + e);
        return attempt;
    }

    private static String describe(Map<Keyword, Object> attempt) {
        Object shard = attempt.get(Keyword.of("shard"));
        return shard == null
                ? ""
                : " (shard " + shard + " from " + attempt.get(Keyword.of("from")) + " to "
                        + attempt.getOrDefault(Keyword.of("to"), "nowhere") + ")";
    }

    /** The map's version now, or null if it cannot be read. */
    private Long versionNow() {
        try {
            return shards.map().version();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
