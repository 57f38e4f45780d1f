package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.Test;

/** Where a client's next attempt goes after a failed one. */
class RouterTest {
    private static final RaftPeerId N1 = RaftPeerId.valueOf("n1");
    private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");
    private static final RaftPeerId N3 = RaftPeerId.valueOf("n3");
    private static final List<RaftPeerId> MEMBERS = List.of(N1, N2, N3);
    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    private static RaftPeer peer(RaftPeerId id) {
        return RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:7001").build();
    }

    private static NotLeaderException notLeader(RaftPeerId from, RaftPeerId suggested) {
        return new NotLeaderException(
                RaftGroupMemberId.valueOf(from, GROUP),
                suggested == null ? null : peer(suggested),
                List.of(peer(N1), peer(N2), peer(N3)));
    }

    @Test
    void aReplicaThatNamesTheLeaderSendsTheNextAttemptThere() {
        assertThat(Router.nextTarget(N1, notLeader(N1, N3), MEMBERS)).isEqualTo(N3);
        assertThat(Router.nextTarget(N1, new CompletionException(notLeader(N1, N2)), MEMBERS))
                .as("wrapped, as futures deliver it")
                .isEqualTo(N2);
    }

    @Test
    void aLeaderThatIsNotReadyOrWhoseStateMachineAnsweredIsAskedAgain() {
        assertThat(Router.nextTarget(N2, new LeaderNotReadyException(RaftGroupMemberId.valueOf(N2, GROUP)), MEMBERS))
                .isEqualTo(N2);
        assertThat(Router.nextTarget(N2, new StateMachineException("busy"), MEMBERS))
                .isEqualTo(N2);
    }

    @Test
    void anyOtherFailureMovesOnToTheNextMemberInTurn() {
        assertThat(Router.nextTarget(N1, new IOException("connection refused"), MEMBERS))
                .isEqualTo(N2);
        assertThat(Router.nextTarget(N3, new IOException("connection refused"), MEMBERS))
                .isEqualTo(N1);
        assertThat(Router.nextTarget(N1, notLeader(N1, null), MEMBERS))
                .as("no leader known")
                .isEqualTo(N2);
    }

    /** Connections the router asked for, to replicas the client was not built with. */
    private final List<RaftPeerId> connected = new ArrayList<>();

    /** A router that sends nothing: only where its next attempt goes is looked at. */
    private Router router() {
        return new Router("client-1", null, MEMBERS, peers -> peers.forEach(p -> connected.add(p.getId())));
    }

    @Test
    void theFirstMemberIsTriedFirstAndAFailureMovesTheHintWhereTheNextAttemptGoes() throws Exception {
        try (Router router = router()) {
            assertThat(router.leaderHint()).isEqualTo(N1);
            router.learnFrom(N1, new CompletionException(new IOException("connection refused")));
            assertThat(router.leaderHint()).isEqualTo(N2);
            router.learnFrom(N2, notLeader(N2, N3));
            assertThat(router.leaderHint()).isEqualTo(N3);
            assertThat(connected)
                    .as("the named leader, and the members it reported")
                    .endsWith(N3);
        }
    }

    @Test
    void aLateFailureOfAnAttemptToAFormerTargetDoesNotMoveTheHint() throws Exception {
        try (Router router = router()) {
            router.learnFrom(N1, notLeader(N1, N3));
            router.learnFrom(N1, new IOException("an older attempt to n1 timed out"));
            assertThat(router.leaderHint()).isEqualTo(N3);
        }
    }

    @Test
    void membersAReplicaReportsReplaceTheOnesTheClientWasBuiltWith() throws Exception {
        RaftPeerId n4 = RaftPeerId.valueOf("n4");
        try (Router router = router()) {
            NotLeaderException grown = new NotLeaderException(
                    RaftGroupMemberId.valueOf(N3, GROUP), null, List.of(peer(N1), peer(N2), peer(N3), peer(n4)));
            router.learnFrom(N1, new IOException("connection refused"));
            router.learnFrom(N2, new IOException("connection refused"));
            router.learnFrom(N3, grown);

            assertThat(router.members()).containsExactly(N1, N2, N3, n4);
            assertThat(connected).containsExactly(N1, N2, N3, n4);
            assertThat(router.leaderHint())
                    .as("the replica added since the client was built")
                    .isEqualTo(n4);
            router.learnFrom(n4, new IOException("connection refused"));
            assertThat(router.leaderHint()).isEqualTo(N1);
        }
    }

    @Test
    void aReplicaThatIsNoLongerAMemberLeadsToTheFirstMember() {
        RaftPeerId removed = RaftPeerId.valueOf("n9");
        assertThat(Router.nextTarget(removed, new IOException("gone"), MEMBERS)).isEqualTo(N1);
    }
}
