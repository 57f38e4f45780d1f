package io.ratissm.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingTypeTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "2s, PT2S", "10m, PT10M", "1h, PT1H", "' 3 s ', PT3S"})
    void durationsTakeMillisecondsSecondsMinutesAndHours(String text, Duration expected) {
        assertThat(SettingType.DURATION_TEXT.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1000", "2d", "1.5s", "-1s", "s"})
    void aDurationWithoutAKnownUnitSaysWhatIsExpected(String text) {
        assertThatThrownBy(() -> SettingType.DURATION_TEXT.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration (a number with ms, s, m or h");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"512, 512", "64KiB, 65536", "1MiB, 1048576", "2GiB, 2147483648", "7B, 7"})
    void sizesAreBytesOrBinaryMultiples(String text, long expected) {
        assertThat(SettingType.SIZE_BYTES.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1MB", "1 kib", "lots"})
    void aSizeInAnotherUnitSaysWhatIsExpected(String text) {
        assertThatThrownBy(() -> SettingType.SIZE_BYTES.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a size (bytes, or a number with KiB, MiB or GiB)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT0.05S, 50ms", "PT1S, 1s", "PT90S, 90s", "PT10M, 10m", "PT2H, 2h", "PT0.0000005S, PT0.0000005S"})
    void aDurationIsWrittenInItsLargestExactUnit(Duration value, String expected) {
        assertThat(SettingType.DURATION_TEXT.format(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1024, 1KiB", "8388608, 8MiB", "1500, 1500", "0, 0"})
    void aSizeIsWrittenInItsLargestExactUnit(long value, String expected) {
        assertThat(SettingType.SIZE_BYTES.format(value)).isEqualTo(expected);
    }

    @Test
    void aBuilderValueOutsideItsBoundNamesTheSettingTheBoundAndTheValue() {
        assertThatThrownBy(() -> Settings.ELECTION_TIMEOUT.check(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("electionTimeout must be at least 50ms, was 10ms");
        assertThatThrownBy(() -> Settings.SESSION_IDLE_TIMEOUT.check(Duration.ofSeconds(30)))
                .hasMessage("sessionIdleTimeout must be at least 1m (twice a client's default timeout, so that retries"
                        + " never outlive their session), was 30s");
        assertThatThrownBy(() -> Settings.HTTP_PORT.check(70000)).hasMessage("httpPort must be 0 to 65535, was 70000");
        assertThat(Settings.LAG_LIMIT.check(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }
}
