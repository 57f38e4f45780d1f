package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeStatusTest {

    @Test
    void parsesTheStatusLineANodePublishes() {
        assertThat(NodeStatus.parse("leader=true term=4 applied=120 healthy=false wall=1 nanos=2\n"))
                .contains(new NodeStatus(true, 4, 120, false));
        assertThat(NodeStatus.parse("leader=false term=4 applied=120\n"))
                .as("no health field")
                .contains(new NodeStatus(false, 4, 120, true));
    }

    @Test
    void aTornOrEmptyStatusFileSaysNothing() {
        assertThat(NodeStatus.parse("leader=true ter")).isEmpty();
        assertThat(NodeStatus.parse("")).isEmpty();
    }

    @Test
    void theClockFieldsGiveTheReplicasOffsetJumpAndRatesAgainstTheRealTimeOfTheWrite() {
        ClockSample a = ClockSample.parse("leader=false term=2 applied=7 wall=10000 nanos=5000000000", 8_000_000_000L)
                .orElseThrow();
        ClockSample b = ClockSample.parse("leader=false term=2 applied=9 wall=12000 nanos=7000000000", 9_000_000_000L)
                .orElseThrow();

        assertThat(a.offsetMillis()).isEqualTo(2_000);
        assertThat(b.wallRateSince(a)).isEqualTo(2.0);
        assertThat(b.nanoRateSince(a)).isEqualTo(2.0);
        assertThat(b.nanoJumpMillisSince(a)).isEqualTo(1_000);
        assertThat(ClockSample.parse("leader=true term=4 applied=120", 1))
                .as("no clock fields")
                .isEmpty();
    }
}
