package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.internal.server.DivergenceDetector.Minority;
import io.ratissm.internal.server.DivergenceDetector.NoMajority;
import io.ratissm.internal.server.DivergenceDetector.Trusted;
import io.ratissm.internal.server.DivergenceDetector.Undecided;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the digests of one log index tell a replica that its state cannot be trusted, and when they do not yet. */
class DivergenceJudgementTest {
    private static final ByteString A = ByteString.copyFromUtf8("state A");
    private static final ByteString B = ByteString.copyFromUtf8("state B");
    private static final ByteString C = ByteString.copyFromUtf8("state C");

    @Test
    void aReplicaThatAgreesWithAMajorityIsTrustedEvenBeforeEveryDigestIsKnown() {
        assertThat(DivergenceDetector.judge("n1", A, Map.of("n2", A), 3)).isInstanceOf(Trusted.class);
        assertThat(DivergenceDetector.judge("n1", A, Map.of("n2", B, "n3", A), 3))
                .isInstanceOf(Trusted.class);
    }

    @Test
    void oneDisagreementIsNotEnoughToJudgeWhileADigestIsMissing() {
        assertThat(DivergenceDetector.judge("n1", A, Map.of("n2", B), 3)).isInstanceOf(Undecided.class);
        assertThat(DivergenceDetector.judge("n1", A, Map.of(), 3)).isInstanceOf(Undecided.class);
    }

    @Test
    void aReplicaOutvotedByAMajorityIsInTheMinorityAndNamesThem() {
        assertThat(DivergenceDetector.judge("n3", C, Map.of("n2", A, "n1", A), 3))
                .isEqualTo(new Minority(List.of("n1", "n2")));
        assertThat(DivergenceDetector.judge("n5", C, Map.of("n1", A, "n2", A, "n3", A), 5))
                .as("three of five are a majority, even with one digest missing")
                .isEqualTo(new Minority(List.of("n1", "n2", "n3")));
    }

    @Test
    void whenEveryDigestIsKnownAndNoStateHasAMajorityNobodyCanBeTrusted() {
        assertThat(DivergenceDetector.judge("n1", A, Map.of("n2", B, "n3", C), 3))
                .isEqualTo(new NoMajority(Map.of("n1", A, "n2", B, "n3", C)));
        assertThat(DivergenceDetector.judge("n1", A, Map.of("n2", B, "n3", A, "n4", B), 4))
                .as("two against two in a group of four")
                .isInstanceOf(NoMajority.class);
    }

    @Test
    void aGroupOfOneTrustsItself() {
        assertThat(DivergenceDetector.judge("n1", A, Map.of(), 1)).isInstanceOf(Trusted.class);
    }
}
