package io.ratissm.internal;

import io.ratissm.Role;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;

/** The one translation of Ratis's roles into ratis-sm's {@link Role}, for a replica's own status and an admin's. */
public final class Roles {
    private Roles() {}

    /** The {@link Role} of a replica that Ratis reports in {@code role}; {@link Role#UNKNOWN} for a role it adds. */
    public static Role of(RaftPeerRole role) {
        return switch (role) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            case LISTENER -> Role.LISTENER;
            default -> Role.UNKNOWN;
        };
    }
}
