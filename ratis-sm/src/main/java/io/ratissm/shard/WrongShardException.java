package io.ratissm.shard;

import io.ratissm.CommandRejected;

/**
 * A shard refused a command or query for a key it does not own, or routed by a map older than its ownership, and the
 * newest shard map did not route it anywhere better. The command had no effect. {@link ShardedClient} refreshes its
 * map and sends a refused command again by itself; it throws this only when that cannot help (a client or
 * deployment bug, such as servers of different shard sets behind one placement group).
 */
public class WrongShardException extends CommandRejected {
    private static final long serialVersionUID = 1L;

    public WrongShardException(String message) {
        super(message);
    }
}
