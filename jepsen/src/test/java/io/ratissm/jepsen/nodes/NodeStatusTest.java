package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeStatusTest {

    @Test
    void parsesTheStatusLineANodePublishes() {
        assertThat(NodeStatus.parse("leader=true term=4 applied=120\n"))
                .contains(new NodeStatus(true, 4, 120));
    }

    @Test
    void aTornOrEmptyStatusFileSaysNothing() {
        assertThat(NodeStatus.parse("leader=true ter")).isEmpty();
        assertThat(NodeStatus.parse("")).isEmpty();
    }
}
