package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.bench.kit.internal.LatencyLine;
import io.ratissm.bench.kit.internal.LoadSummary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyLineTest {

    @Test
    void aLineReadsBackAsItWasWritten_afterOtherOutputOnTheSameLine() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "PASSIVE");
        params.put("stateMachine", "YOURS");
        LoadSummary summary = new LoadSummary(1234, 1200, 12, 4321.5, 1.25, 9.5, 20.125, 31, 250.5, 1.5, 60, 110);

        String line = LatencyLine.format("com.acme.QueueBenchmark.write", params, summary, new long[] {3, 4});
        LatencyLine.Parsed parsed = LatencyLine.parse("Iteration   1: " + line).orElseThrow();

        assertThat(line).startsWith("LATENCY {\"benchmark\":\"com.acme.QueueBenchmark.write\",\"params\":{");
        assertThat(line).endsWith("\"perSecond\":[3,4]}");
        assertThat(parsed.benchmark()).isEqualTo("com.acme.QueueBenchmark.write");
        assertThat(parsed.params()).containsExactlyEntriesOf(params);
        assertThat(parsed.summary()).isEqualTo(summary);
    }

    @Test
    void aLineWithoutTheNewFields_readsThemAsUnknown() {
        // what bench/results/ holds from before 'answered', 'rejected' and 'opsPerS' were printed
        String old =
                "LATENCY {\"benchmark\":\"io.ratissm.bench.WriteBenchmark.write\",\"params\":{\"commandBytes\":\"16\"},"
                        + "\"requests\":5,\"p50Ms\":1.000,\"p99Ms\":2.000,\"p999Ms\":3.000,\"maxMs\":4.000,\"cpuUsPerOp\":NaN,"
                        + "\"cpuCores\":0.500,\"measuredFromS\":1.0,\"measuredUntilS\":2.0,\"perSecond\":[5]}";

        LoadSummary summary = LatencyLine.parse(old).orElseThrow().summary();

        assertThat(summary.requests()).isEqualTo(5);
        assertThat(summary.p99Ms()).isEqualTo(2.0);
        assertThat(summary.cpuUsPerOp()).isNaN();
        assertThat(summary.opsPerSecond()).isNaN();
        assertThat(LatencyLine.parse("# Warmup Iteration   1: 123 ops/s")).isEmpty();
    }
}
