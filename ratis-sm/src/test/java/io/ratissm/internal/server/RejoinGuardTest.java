package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.server.RejoinGuard.PeerView;
import io.ratissm.internal.server.RejoinGuard.Start;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a replica with empty storage starts, from what the peers that answered said about the group. */
class RejoinGuardTest {
    private static final String STEPS = "(the way back)";

    /**
     * A follower's view: whether it counts n3 as a member, n3's commit index as it heard it, the last index its own
     * log or snapshot holds.
     */
    private static PeerView view(String peer, boolean n3IsMember, long n3Commit, long held) {
        return new PeerView(peer, false, n3IsMember, n3Commit, held);
    }

    private static PeerView leader(String peer, boolean n3IsMember, long n3Commit, long held) {
        return new PeerView(peer, true, n3IsMember, n3Commit, held);
    }

    private static Start decide(boolean join, PeerView... views) throws StorageRecoveryException {
        return RejoinGuard.decide("n3", join, List.of(views), STEPS);
    }

    @Test
    void nobodyAnsweringMeansANewGroupAndTheGivenPeers() throws Exception {
        assertThat(decide(false)).isEqualTo(Start.WITH_PEERS);
    }

    @Test
    void peersThatHoldNoEntryMeanANewGroup() throws Exception {
        assertThat(decide(false, view("n1", true, -1, -1), view("n2", true, -1, -1)))
                .isEqualTo(Start.WITH_PEERS);
    }

    @Test
    void aRunningGroupThatNeverHeardFromTheReplicaMakesItJoinWithoutAVote() throws Exception {
        assertThat(decide(false, view("n1", true, -1, 20), view("n2", true, -1, 19)))
                .isEqualTo(Start.JOINING);
    }

    @Test
    void aRunningGroupThatDoesNotCountTheReplicaLeavesTheGivenPeers() throws Exception {
        assertThat(decide(false, view("n1", false, -1, 20))).isEqualTo(Start.WITH_PEERS);
    }

    @Test
    void aPeerRememberingTheReplicasLogRefusesTheStartNamingThePeerAndTheHighestIndex() {
        assertThatThrownBy(() -> decide(false, view("n1", true, 57, 60), view("n2", true, 58, 60)))
                .isInstanceOf(StorageRecoveryException.class)
                .hasMessageStartingWith("n3: its storage holds no log, but n2 remembers n3 at commit index 58")
                .hasMessageEndingWith(STEPS);
    }

    @Test
    void joiningIsAsAskedUnlessTheGroupStillRemembersTheReplicasLog() throws Exception {
        assertThat(decide(true)).isEqualTo(Start.JOINING);
        assertThat(decide(true, view("n1", false, -1, 80))).isEqualTo(Start.JOINING);
        assertThatThrownBy(() -> decide(true, view("n1", true, 0, 80)))
                .isInstanceOf(StorageRecoveryException.class)
                .hasMessageContaining("n1 remembers n3 at commit index 0");
    }

    @Test
    void afterTheLeaderRemovedTheReplicaWhatALaggingFollowerRemembersDoesNotCount() throws Exception {
        assertThat(decide(true, leader("n1", false, -1, 90), view("n5", true, 57, 80)))
                .isEqualTo(Start.JOINING);
        assertThatThrownBy(() -> decide(true, leader("n1", true, 57, 90), view("n5", true, 57, 80)))
                .isInstanceOf(StorageRecoveryException.class);
    }
}
