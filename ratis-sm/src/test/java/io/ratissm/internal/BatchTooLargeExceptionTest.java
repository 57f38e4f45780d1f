package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchTooLargeExceptionTest {

    @Test
    void theLimitSurvivesTheTripThroughRatisWhichKeepsOnlyClassNameAndMessage() {
        BatchTooLargeException onTheLeader = new BatchTooLargeException(5_000_000, 32, 4_194_304);

        BatchTooLargeException onTheClient = new BatchTooLargeException(onTheLeader.getMessage());

        assertThat(onTheClient.maxEntryBytes()).isEqualTo(4_194_304);
        assertThat(onTheClient.getMessage()).contains("32 commands").contains("5000000 bytes");
        assertThat(new BatchTooLargeException("some other text").maxEntryBytes())
                .isEqualTo(-1);
    }
}
