package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    /**
     * The kernel hands the same ephemeral port out again soon after it was closed (about one in ten of 2,000 binds
     * here): a test that takes ports for four replicas got one twice and failed in CI.
     */
    @Test
    void neverGivesTheSamePortTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            assertThat(seen.add(FreePorts.next())).as("port handed out twice").isTrue();
        }
    }
}
