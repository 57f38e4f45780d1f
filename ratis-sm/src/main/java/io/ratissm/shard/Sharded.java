package io.ratissm.shard;

import io.ratissm.StateMachine;
import io.ratissm.internal.shard.ShardedGroups;
import java.util.function.Supplier;

/**
 * The state machine of the servers of a sharded deployment: give {@code Sharded.of(MyStateMachine::new)} to
 * {@link io.ratissm.ReplicaServer.Builder#stateMachine} on every server.
 *
 * <p>Every group those servers host, the placement group (the servers' own group) and each shard's group
 * ({@link ShardAdmin#createShards}), runs one instance. What a group is, the placement group or shard {@code k} of
 * {@code n}, is part of its replicated state and never changes. A shard runs the user's state machine for the keys it
 * owns ({@link ShardMap}) and refuses, in apply and so alike on every replica, a command for a key it does not own
 * or routed by a map older than its ownership: such a command never reaches the user's state machine. The
 * placement group holds the {@link ShardMap}.
 *
 * <p>The user's state machine keeps its contract ({@link StateMachine}); it sees only its own commands and queries,
 * and one instance holds one shard's keys. An {@link io.ratissm.EffectStateMachine} keeps its updates in PASSIVE
 * mode. Every group on a server has the server's replication mode.
 */
public final class Sharded {
    private Sharded() {}

    /** The factory of the servers' state machine, around the user's {@code factory}. */
    public static Supplier<StateMachine> of(Supplier<? extends StateMachine> factory) {
        return ShardedGroups.factory(factory);
    }
}
