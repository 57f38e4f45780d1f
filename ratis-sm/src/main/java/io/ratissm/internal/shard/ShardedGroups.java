package io.ratissm.internal.shard;

import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import java.util.function.Supplier;

/** Wraps a user's state machine for a sharded deployment, keeping PASSIVE mode's updates when it has them. */
public final class ShardedGroups {
    private ShardedGroups() {}

    public static StateMachine wrap(StateMachine user) {
        return user instanceof EffectStateMachine effects ? new ShardedEffectGroup(effects) : new ShardedGroup(user);
    }

    public static Supplier<StateMachine> factory(Supplier<? extends StateMachine> user) {
        return () -> wrap(user.get());
    }
}
