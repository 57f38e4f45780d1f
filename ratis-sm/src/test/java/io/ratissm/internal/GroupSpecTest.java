package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupSpecTest {

    @Test
    void parsesCommaSeparatedAndListedReplicas() {
        GroupSpec g = GroupSpec.parse("g", List.of("n1=127.0.0.1:7001, n2=localhost:7002", "n3=[::1]:7003"));

        assertThat(g.addresses())
                .containsExactly(
                        java.util.Map.entry("n1", "127.0.0.1:7001"),
                        java.util.Map.entry("n2", "localhost:7002"),
                        java.util.Map.entry("n3", "[::1]:7003"));
    }

    @Test
    void theGroupIdFollowsTheName() {
        List<String> peers = List.of("n1=127.0.0.1:7001");
        assertThat(GroupSpec.parse("a", peers).groupId())
                .isEqualTo(GroupSpec.parse("a", peers).groupId());
        assertThat(GroupSpec.parse("a", peers).groupId())
                .isNotEqualTo(GroupSpec.parse("b", peers).groupId());
    }

    @Test
    void badEntriesAreNamedInTheError() {
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of("127.0.0.1:7001")))
                .hasMessageContaining("'127.0.0.1:7001' is not of the form id=host:port");
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of("n1=host:http")))
                .hasMessageContaining("invalid port 'http'");
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of("n1=a:1,n1=b:2")))
                .hasMessageContaining("'n1' appears twice");
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of("n1=a:1,n2=a:1")))
                .hasMessageContaining("address 'a:1' is given to two replicas");
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of(" , "))).hasMessageContaining("at least one replica");
        assertThatThrownBy(() -> GroupSpec.parse("g", List.of("n1=a:1")).address("n7"))
                .hasMessageContaining("unknown replica 'n7'");
    }
}
