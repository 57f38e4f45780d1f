package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.runner.ReplicaAgreement.Outcome;
import io.ratissm.jepsen.runner.ReplicaAgreement.Replica;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the final comparison of the replicas judges what each said. */
class ReplicaAgreementTest {
    private static final List<String> QUERIES = List.of("size", "peek");

    @Test
    void replicasThatAnswerEveryQueryAlikeAgree() {
        ReplicaAgreement a = ReplicaAgreement.judge(
                List.of(healthy("n1", 40, "3", "{value: 7}"), healthy("n2", 40, "3", "{value: 7}")), QUERIES);

        assertThat(a.outcome()).isEqualTo(Outcome.AGREE);
        assertThat(a.summary()).isEqualTo("every replica answered 2 queries alike at applied index 40");
    }

    @Test
    void differentAnswersToOneQueryAreADisagreementNamingWhoAnsweredWhat() {
        ReplicaAgreement a = ReplicaAgreement.judge(
                List.of(
                        healthy("n1", 40, "3", "{value: 7}"),
                        healthy("n2", 40, "3", "{value: 8}"),
                        healthy("n3", 40, "3", "{value: 7}")),
                QUERIES);

        assertThat(a.outcome()).isEqualTo(Outcome.DISAGREE);
        assertThat(a.summary())
                .isEqualTo("the replicas hold different states: to peek n1 and n3 answered {value: 7}, n2 answered"
                        + " {value: 8}");
        assertThat(a.divergenceDetected()).isFalse();
    }

    @Test
    void aReplicaWhoseDetectorFoundItDivergedIsADisagreementEvenIfNoneAnswered() {
        String reason = "diverged: at log index 50 no state is held by a majority of the replicas";
        Replica refusing = new Replica("n1", true, 60, false, reason, Map.of("size", "refused: n1: " + reason), 2);

        ReplicaAgreement a = ReplicaAgreement.judge(
                List.of(refusing, new Replica("n2", true, 60, false, reason, Map.of(), 1)), List.of("size"));

        assertThat(a.outcome()).isEqualTo(Outcome.DISAGREE);
        assertThat(a.summary()).isEqualTo("the replicas hold different states: n1 and n2 say " + reason);
        assertThat(a.divergenceDetected()).isTrue();
    }

    @Test
    void aReplicaThatIsDownBehindOrRefusingLeavesTheAnswerUnknown() {
        ReplicaAgreement a = ReplicaAgreement.judge(
                List.of(
                        healthy("n1", 40, "3", "{value: 7}"),
                        healthy("n2", 38, "3", "{value: 7}"),
                        new Replica("n3", false, -1, false, "", Map.of(), 0),
                        new Replica(
                                "n4", true, 40, true, "", Map.of("size", "refused: busy", "peek", "{value: 7}"), 0)),
                QUERIES);

        assertThat(a.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(a.summary())
                .isEqualTo("not every replica could be compared: n2 applied 38 of 40; n3 did not report (down or"
                        + " silent); n4 refused: busy (size)");
    }

    @Test
    void withoutQueriesHealthyReplicasAreNoEvidenceOfAgreement() {
        ReplicaAgreement a =
                ReplicaAgreement.judge(List.of(new Replica("n1", true, 9, true, "", Map.of(), 0)), List.of());

        assertThat(a.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(a.summary()).startsWith("no queries to read the replicas with");
    }

    private static Replica healthy(String id, long applied, String size, String peek) {
        return new Replica(id, true, applied, true, "", Map.of("size", size, "peek", peek), 0);
    }
}
