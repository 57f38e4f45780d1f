package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the harness reads from a replica's {@code GET /status} answer. */
class NodeStatusTest {
    /** An answer as {@code OperationsServer} writes it. */
    private static final String LEADER = "{\"id\":\"n1\",\"role\":\"LEADER\",\"term\":4,\"leaderId\":\"n1\","
            + "\"commitIndex\":121,\"appliedIndex\":120,\"lastLogIndex\":121,\"lastLogTerm\":4,"
            + "\"latestSnapshotIndex\":-1,\"replication\":\"ACTIVE\",\"healthy\":false,"
            + "\"reason\":\"lagging: \\\"n2\\\"\\n\\u0041\","
            // every group the replica serves, one object each (a reason may hold braces and quotes)
            + "\"groups\":{\"8ad5-1\":{\"id\":\"n1\",\"role\":\"FOLLOWER\",\"term\":2,\"appliedIndex\":7,"
            + "\"reason\":\"group \\\"}{\\\"\"},\"8ad5-2\":{}},"
            + "\"wallClockMillis\":12000,\"monotonicNanos\":7000000000}\n";

    @Test
    void leadershipTermAppliedIndexHealthAndItsReasonComeFromTheStatusAnswer() {
        assertThat(NodeStatus.of(NodeStatus.fields(LEADER)))
                .contains(new NodeStatus(true, 4, 120, false, "lagging: \"n2\"\nA"));
        assertThat(NodeStatus.fields(LEADER).get("groups"))
                .as("the groups, kept as their text")
                .startsWith("{\"8ad5-1\":{")
                .endsWith("\"8ad5-2\":{}}");
        assertThat(NodeStatus.of(NodeStatus.fields(LEADER.replace("LEADER", "FOLLOWER"))))
                .contains(new NodeStatus(false, 4, 120, false, "lagging: \"n2\"\nA"));
    }

    @Test
    void stringsAreUnescapedAndNullIsNoValue() {
        Map<String, String> fields =
                NodeStatus.fields("{\"leaderId\":null, \"reason\" : \"lagging: \\\"n2\\\"\\n\\u0041\"}");

        assertThat(fields).containsEntry("leaderId", null).containsEntry("reason", "lagging: \"n2\"\nA");
    }

    @Test
    void anAnswerWithoutTheFieldsSaysNothingAndOneCutShortIsRefused() {
        assertThat(NodeStatus.of(NodeStatus.fields("{\"role\":\"LEADER\"}"))).isEmpty();
        assertThat(ClockSample.of(NodeStatus.fields("{}"), 1)).isEmpty();
        assertThatThrownBy(() -> NodeStatus.fields(LEADER.substring(0, 40)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeStatus.fields("<html>")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theClockFieldsGiveTheReplicasOffsetJumpAndRatesAgainstTheRealTimeOfTheReading() {
        ClockSample a = ClockSample.of(
                        NodeStatus.fields(LEADER.replace("12000", "10000").replace("7000000000", "5000000000")),
                        8_000_000_000L)
                .orElseThrow();
        ClockSample b =
                ClockSample.of(NodeStatus.fields(LEADER), 9_000_000_000L).orElseThrow();

        assertThat(a.offsetMillis()).isEqualTo(2_000);
        assertThat(b.wallRateSince(a)).isEqualTo(2.0);
        assertThat(b.nanoRateSince(a)).isEqualTo(2.0);
        assertThat(b.nanoJumpMillisSince(a)).isEqualTo(1_000);
    }
}
