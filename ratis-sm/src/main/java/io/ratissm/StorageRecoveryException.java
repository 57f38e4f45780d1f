package io.ratissm;

import java.io.IOException;

/**
 * A replica refuses to start because its storage cannot give it back its place in the group: its newest snapshot
 * is corrupt, or cannot be verified while the log behind it is purged, or its storage is empty although another
 * replica remembers it holding a log (it was wiped or replaced), or its record of its term and vote is damaged.
 * Starting anyway would serve a wrong state, or let a replica that has forgotten what it acknowledged or whom it voted
 * for help elect a leader that lacks acknowledged writes.
 *
 * <p>Nothing was changed on disk. The message names the file or the peer, and the way back: remove the replica
 * from the group, empty its storage directory, start it with {@link ReplicaServer.Builder#join(boolean) join} and
 * add it back, so that it receives the group's state as a new member ({@code ratis-sm/OPERATIONS.md}, section
 * "Replacing a replica's storage", gives the commands).
 */
public class StorageRecoveryException extends IOException {
    private static final long serialVersionUID = 1L;

    public StorageRecoveryException(String message) {
        super(message);
    }
}
