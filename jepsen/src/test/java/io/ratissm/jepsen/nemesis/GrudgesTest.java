package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrudgesTest {
    private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");
    private static final List<String> THREE = List.of("n1", "n2", "n3");

    @Test
    void halvesCutEveryLinkBetweenTheSmallerAndTheLargerHalf() {
        Map<String, Set<String>> g = Grudges.halves(FIVE);

        assertThat(g.get("n1")).containsExactlyInAnyOrder("n3", "n4", "n5");
        assertThat(g.get("n2")).containsExactlyInAnyOrder("n3", "n4", "n5");
        assertThat(g.get("n4")).containsExactlyInAnyOrder("n1", "n2");
        assertSymmetric(g);
    }

    @Test
    void isolatingANodeCutsItFromEveryOtherAndNothingElse() {
        Map<String, Set<String>> g = Grudges.isolate("n2", THREE);

        assertThat(g.get("n2")).containsExactlyInAnyOrder("n1", "n3");
        assertThat(g.get("n1")).containsExactly("n2");
        assertThat(g.get("n3")).containsExactly("n2");
    }

    @Test
    void inAMajoritiesRingOfFiveEveryNodeSeesADifferentMajority() {
        Map<String, Set<String>> g = Grudges.majoritiesRing(FIVE);

        Set<Set<String>> views = new HashSet<>();
        for (String node : FIVE) {
            Set<String> sees = new HashSet<>(FIVE);
            sees.removeAll(g.get(node));
            assertThat(sees).as("what %s sees", node).hasSize(3).contains(node);
            views.add(sees);
        }
        assertThat(views).hasSize(5);
        assertSymmetric(g);
    }

    @Test
    void inAMajoritiesRingOfThreeTheEndsSeeDifferentMajorities() {
        Map<String, Set<String>> g = Grudges.majoritiesRing(THREE);

        assertThat(g.get("n1")).containsExactly("n3");
        assertThat(g.get("n3")).containsExactly("n1");
        assertThat(g.get("n2")).isEmpty();
    }

    private static void assertSymmetric(Map<String, Set<String>> g) {
        g.forEach(
                (node, drops) -> drops.forEach(other -> assertThat(g.get(other)).contains(node)));
    }
}
