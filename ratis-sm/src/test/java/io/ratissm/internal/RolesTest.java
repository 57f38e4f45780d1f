package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Role;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.junit.jupiter.api.Test;

/** Ratis's roles in ratis-sm's terms. */
class RolesTest {

    @Test
    void everyRatisRoleHasItsRoleAndAnyOtherIsUnknown() {
        Map<RaftPeerRole, Role> mapped = new EnumMap<>(RaftPeerRole.class);
        Arrays.stream(RaftPeerRole.values()).forEach(r -> mapped.put(r, Roles.of(r)));

        assertThat(mapped)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        RaftPeerRole.LEADER, Role.LEADER,
                        RaftPeerRole.FOLLOWER, Role.FOLLOWER,
                        RaftPeerRole.CANDIDATE, Role.CANDIDATE,
                        RaftPeerRole.LISTENER, Role.LISTENER,
                        RaftPeerRole.UNRECOGNIZED, Role.UNKNOWN));
    }

    @Test
    void noRatisRoleIsReportedAsStopped() {
        // STOPPED is ratis-sm's own verdict on a replica that closed; Ratis may still report its last role.
        assertThat(Arrays.stream(RaftPeerRole.values()).map(Roles::of)).doesNotContain(Role.STOPPED);
    }
}
