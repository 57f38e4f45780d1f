package io.ratissm.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    /** A sample line of the 0.0.4 text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\"(,[a-zA-Z_][a-zA-Z0-9_]*="
                    + "\"(\\\\.|[^\"\\\\])*\")*})? (NaN|[+-]Inf|-?[0-9.]+(E-?[0-9]+)?)");

    private static final PrometheusText PLAIN = new PrometheusText(Map.of(), Set.of());

    @Test
    void namesAreSanitizedToThePrometheusAlphabet() {
        assertThat(PrometheusText.sanitize("ratissm.apply")).isEqualTo("ratissm_apply");
        assertThat(PrometheusText.sanitize("ratis.log_worker.n1@group-ABC.flushTime"))
                .isEqualTo("ratis_log_worker_n1_group_ABC_flushTime");
        assertThat(PrometheusText.sanitize("client-1->n2.x")).isEqualTo("client_1_n2_x");
        assertThat(PrometheusText.sanitize("9lives")).isEqualTo("_9lives");
        assertThat(PrometheusText.sanitize("a:b")).isEqualTo("a:b");
    }

    @Test
    void droppedSegmentsLeaveTheSameFamilyNameOnEveryReplica() {
        MetricRegistry r = new MetricRegistry();
        r.counter("ratis.server.n1@group-ABC.numInstallSnapshot").inc(2);
        PrometheusText text = new PrometheusText(Map.of("replica", "n1"), Set.of("n1@group-ABC", "n1"));

        assertThat(text.render(r))
                .contains("# TYPE ratis_server_numInstallSnapshot gauge\n")
                .contains("ratis_server_numInstallSnapshot{replica=\"n1\"} 2\n")
                .contains("# HELP ratis_server_numInstallSnapshot Dropwizard ratis.server.n1@group-ABC."
                        + "numInstallSnapshot\n");
    }

    @Test
    void eachDropwizardTypeGetsItsPrometheusType() {
        MetricRegistry r = new MetricRegistry();
        r.counter("c").inc(3);
        r.meter("m").mark(5);
        r.gauge("g", () -> () -> 1.5);
        r.gauge("flag", () -> () -> true);
        r.histogram("h").update(7);
        r.timer("t").update(250, TimeUnit.MILLISECONDS);

        String out = PLAIN.render(r);

        assertThat(out)
                .contains("# TYPE c gauge\nc 3\n")
                .contains("# TYPE m_total counter\nm_total 5\n")
                .contains("# TYPE g gauge\ng 1.5\n")
                .contains("# TYPE flag gauge\nflag 1\n")
                .contains("# TYPE h summary\n")
                .contains("h{quantile=\"0.5\"} 7\n")
                .contains("h{quantile=\"0.999\"} 7\n")
                .contains("h_count 1\n")
                .contains("# TYPE t_seconds summary\n")
                .contains("t_seconds{quantile=\"0.99\"} 0.25\n")
                .contains("t_seconds_count 1\n");
    }

    @Test
    void everyLineIsACommentOrAWellFormedSample() {
        MetricRegistry r = new MetricRegistry();
        r.timer("ratissm.apply").update(3, TimeUnit.MICROSECONDS);
        r.gauge("nan", () -> () -> Double.NaN);
        r.gauge("inf", () -> () -> Double.POSITIVE_INFINITY);
        r.gauge("small", () -> () -> 1e-7);
        r.meter("ratissm.commands");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("replica", "n\"1\\\n");
        labels.put("odd-label", "x");

        String out = new PrometheusText(labels, Set.of()).render(r);

        assertThat(out).endsWith("\n");
        assertThat(out.lines().filter(l -> !l.startsWith("# HELP ") && !l.startsWith("# TYPE ")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches(SAMPLE));
        assertThat(out)
                .contains("nan{replica=\"n\\\"1\\\\\\n\",odd_label=\"x\"} NaN\n")
                .contains("inf{replica=")
                .contains("} +Inf\n")
                .contains("} 1.0E-7\n");
    }

    @Test
    void nonNumericGaugesAreLeftOut() {
        MetricRegistry r = new MetricRegistry();
        r.register("text", (Gauge<String>) () -> "hello");
        r.gauge("number", () -> () -> 4);

        assertThat(PLAIN.render(r)).doesNotContain("text").contains("number 4\n");
    }

    @Test
    void twoMetricsThatSanitizeToOneNameAppearOnceWithTheFirst() {
        MetricRegistry r = new MetricRegistry();
        r.counter("a.b").inc(1);
        r.counter("a_b").inc(2);

        String out = PLAIN.render(r);

        assertThat(out).containsOnlyOnce("# TYPE a_b gauge").contains("a_b 1\n").doesNotContain("a_b 2");
    }

    @Test
    void helpTextIsEscaped() {
        assertThat(PrometheusText.escapeHelp("a\\b\nc")).isEqualTo("a\\\\b\\nc");
    }
}
