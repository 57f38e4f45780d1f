package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.DigestReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/**
 * Which entries a replica records a digest at, and how it compares them with the other members', with the other
 * members' answers scripted (no cluster): what it counts, when it asks again, and the one verdict it reaches.
 * {@link DivergenceJudgementTest} has the verdict's rule itself.
 */
class DivergenceDetectorTest {
    private static final ByteString A = ByteString.copyFromUtf8("state A");
    private static final ByteString B = ByteString.copyFromUtf8("state B");

    private final List<RaftPeer> members = new ArrayList<>(List.of(peer("n1"), peer("n2"), peer("n3")));
    /** What each other member answers, by id: a digest, "unknown", or an exception for one that is unreachable. */
    private final Map<String, Object> answers = new HashMap<>();

    private final List<String> asked = new ArrayList<>();
    private final List<String> verdicts = new ArrayList<>();
    private boolean closed;

    private static RaftPeer peer(String id) {
        return RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(id))
                .setAddress("127.0.0.1:1")
                .build();
    }

    private DivergenceDetector detector(long every) {
        DivergenceDetector.DigestSource peers = new DivergenceDetector.DigestSource() {
            @Override
            public DigestReply digestAt(List<RaftPeer> others, RaftPeer peer, long index) throws Exception {
                assertThat(others).extracting(p -> p.getId().toString()).doesNotContain("n1");
                asked.add(peer.getId() + "@" + index);
                Object answer = answers.get(peer.getId().toString());
                if (answer instanceof Exception e) {
                    throw e;
                }
                return answer instanceof ByteString d
                        ? DigestReply.newBuilder().setKnown(true).setDigest(d).build()
                        : DigestReply.getDefaultInstance();
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        return new DivergenceDetector(
                "n1", () -> List.copyOf(members), every, peers, new DivergenceDetector.Verdicts() {
                    @Override
                    public void minority(long index, Collection<String> majority) {
                        verdicts.add("minority at " + index + ": " + majority);
                    }

                    @Override
                    public void noMajority(long index, Map<String, ByteString> digests) {
                        verdicts.add("no majority at " + index + ": " + digests.keySet());
                    }
                });
    }

    @Test
    void aDigestIsDueAtTheFirstEntryOfEachWindow() {
        DivergenceDetector d = detector(10);

        assertThat(d.due(1)).isFalse();
        assertThat(d.due(9)).isFalse();
        assertThat(d.due(10)).isTrue();
        d.record(10, A);
        assertThat(d.due(11)).isFalse();
        assertThat(d.due(19)).isFalse();
        assertThat(d.due(23))
                .as("20 to 22 were no state machine entries: 23 starts the window")
                .isTrue();
        d.record(23, A);
        assertThat(d.due(29)).isFalse();
        assertThat(d.due(30)).isTrue();
    }

    @Test
    void afterASnapshotWindowsStartAfterIt() {
        DivergenceDetector d = detector(10);
        d.restartAt(25);

        assertThat(d.due(26)).isFalse();
        assertThat(d.due(30)).isTrue();
    }

    @Test
    void withoutAWindowNothingIsEverDue() {
        DivergenceDetector d = detector(0);

        assertThat(d.due(1)).isFalse();
        assertThat(d.due(1_000_000)).isFalse();
    }

    @Test
    void aReplicaAnswersForTheNewestDigestsItKeptAndUnknownForOlderOnes() {
        DivergenceDetector d = detector(1);
        for (long i = 1; i <= 40; i++) {
            d.record(i, ByteString.copyFromUtf8("at " + i));
        }

        assertThat(d.digestAt(40))
                .isEqualTo(DigestReply.newBuilder()
                        .setKnown(true)
                        .setDigest(ByteString.copyFromUtf8("at 40"))
                        .build());
        assertThat(d.digestAt(9).getKnown()).as("one of 32 kept").isTrue();
        assertThat(d.digestAt(8).getKnown()).as("older than the 32 kept").isFalse();
        assertThat(d.digestAt(41).getKnown()).as("not applied yet").isFalse();
    }

    @Test
    void theOtherMembersAreAskedOnceAtTheNewestIndexAndAMismatchIsCounted() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        d.record(20, A);
        answers.put("n2", A);
        answers.put("n3", B);

        d.compareNewest();
        d.compareNewest();

        assertThat(asked).containsExactly("n2@20", "n3@20");
        assertThat(d.comparisons()).isEqualTo(2);
        assertThat(d.divergences()).isEqualTo(1);
        assertThat(verdicts).as("n1 and n2 are a majority: n1 is trusted").isEmpty();
    }

    @Test
    void aMemberThatHasNotReachedTheIndexOrCannotBeReachedIsAskedAgainNextTime() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        answers.put("n3", new IOException("connection refused"));

        d.compareNewest();
        answers.put("n2", A);
        answers.put("n3", A);
        d.compareNewest();

        assertThat(asked).containsExactly("n2@10", "n3@10", "n2@10", "n3@10");
        assertThat(d.comparisons()).isEqualTo(2);
        assertThat(d.divergences()).isZero();
    }

    @Test
    void aReplicaOutvotedAtAnIndexGetsOneVerdictNamingTheMajority() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        answers.put("n2", B);
        answers.put("n3", B);

        d.compareNewest();
        d.record(20, A);
        d.compareNewest();

        assertThat(verdicts).containsExactly("minority at 10: [n2, n3]");
        assertThat(d.divergences()).isEqualTo(4);
    }

    @Test
    void withEveryDigestDifferentNobodyHasAMajority() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        answers.put("n2", B);
        answers.put("n3", ByteString.copyFromUtf8("state C"));

        d.compareNewest();

        assertThat(verdicts).containsExactly("no majority at 10: [n1, n2, n3]");
    }

    @Test
    void digestsReportedAtAnOlderIndexDoNotCountTowardsANewerOne() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        answers.put("n2", B);
        d.compareNewest();
        d.record(20, A);
        answers.remove("n2");
        answers.put("n3", B);

        d.compareNewest();

        assertThat(verdicts)
                .as("n2 said B at 10, n3 says B at 20: no majority at one index")
                .isEmpty();
    }

    @Test
    void membersAddedLaterAreAskedToo() {
        DivergenceDetector d = detector(10);
        d.record(10, A);
        members.add(peer("n4"));
        answers.put("n4", A);

        d.compareNewest();

        assertThat(asked).contains("n4@10");
    }

    @Test
    void aReplicaWithNothingRecordedOrAloneAsksNobodyAndCloseClosesItsClient() {
        DivergenceDetector d = detector(10);
        d.compareNewest();
        members.removeIf(p -> !p.getId().toString().equals("n1"));
        d.record(10, A);
        d.compareNewest();

        assertThat(asked).isEmpty();
        d.close();
        assertThat(closed).isTrue();
    }
}
