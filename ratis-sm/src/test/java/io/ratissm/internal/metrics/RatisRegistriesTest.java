package io.ratissm.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.dropwizard3.Dm3MetricRegistriesImpl;
import org.apache.ratis.metrics.dropwizard3.Dm3RatisMetricRegistryImpl;
import org.junit.jupiter.api.Test;

class RatisRegistriesTest {
    // Prefixes no real replica of the other tests uses, since Ratis's registries are global to the JVM.
    private static final MetricRegistryInfo A = info("ra@group-000000000001");
    private static final MetricRegistryInfo B = info("rb@group-000000000001");

    private static MetricRegistryInfo info(String prefix) {
        return new MetricRegistryInfo(prefix, "ratis", "registries_test", "test");
    }

    @Test
    void ratisKeepsItsMetricsInPlainDropwizardRegistries() {
        RatisRegistries.install();
        RatisMetricRegistry r = MetricRegistries.global().create(info("rc@group-000000000001"));
        try {
            assertThat(MetricRegistries.global()).isInstanceOf(Dm3MetricRegistriesImpl.class);
            assertThat(r).isInstanceOf(Dm3RatisMetricRegistryImpl.class);
            assertThat(((Dm3RatisMetricRegistryImpl) r).getDropWizardMetricRegistry())
                    .isInstanceOf(MetricRegistry.class);
        } finally {
            MetricRegistries.global().remove(r.getMetricRegistryInfo());
        }
    }

    @Test
    void aSubscriptionReceivesOnlyTheRegistriesItOwnsAsMetricsComeAndGo() {
        RatisRegistries.install();
        MetricRegistry mine = new MetricRegistry();
        MetricRegistry theirs = new MetricRegistry();
        try (RatisRegistries.Subscription a =
                        RatisRegistries.subscribe(RatisRegistries.ofMember("ra", A.getPrefix()), mine);
                RatisRegistries.Subscription b =
                        RatisRegistries.subscribe(RatisRegistries.ofMember("rb", B.getPrefix()), theirs)) {
            RatisMetricRegistry ra = MetricRegistries.global().create(A);
            RatisMetricRegistry rb = MetricRegistries.global().create(B);
            ra.counter("applied").inc(3);
            rb.counter("applied").inc(5);

            assertThat(mine.getCounters()).containsOnlyKeys("ratis.registries_test.ra@group-000000000001.applied");
            assertThat(mine.getCounters().values().iterator().next().getCount()).isEqualTo(3);
            assertThat(theirs.getCounters()).containsOnlyKeys("ratis.registries_test.rb@group-000000000001.applied");

            ra.remove("applied");
            assertThat(mine.getMetrics()).isEmpty();

            ra.counter("again").inc();
            MetricRegistries.global().remove(A);
            assertThat(mine.getMetrics())
                    .as("a closed division's metrics leave with it")
                    .isEmpty();
            assertThat(a.mirrored()).isZero();

            RatisMetricRegistry restarted = MetricRegistries.global().create(A);
            restarted.timer("apply");
            assertThat(mine.getTimers()).containsOnlyKeys("ratis.registries_test.ra@group-000000000001.apply");
            assertThat(theirs.getCounters()).hasSize(1);
        } finally {
            MetricRegistries.global().remove(A);
            MetricRegistries.global().remove(B);
        }
        assertThat(mine.getMetrics()).as("a closed subscription keeps nothing").isEmpty();
    }

    @Test
    void aSubscriptionAdoptsRegistriesThatExistedBeforeIt() {
        RatisRegistries.install();
        MetricRegistryInfo early = info("rd@group-000000000001");
        RatisMetricRegistry r = MetricRegistries.global().create(early);
        r.counter("x").inc();
        MetricRegistry target = new MetricRegistry();
        try (RatisRegistries.Subscription s =
                RatisRegistries.subscribe(RatisRegistries.ofMember("rd", early.getPrefix()), target)) {
            assertThat(target.getCounters()).containsOnlyKeys("ratis.registries_test.rd@group-000000000001.x");
        } finally {
            MetricRegistries.global().remove(early);
        }
    }

    @Test
    void aClientOwnsTheRegistriesOfItsConnections() {
        assertThat(RatisRegistries.ofClient("client-AB").test("client-AB->n1")).isTrue();
        assertThat(RatisRegistries.ofClient("client-AB").test("client-ABC->n1")).isFalse();
        assertThat(RatisRegistries.ofMember("n1", "n1@group-1").test("n10@group-1"))
                .isFalse();
        assertThat(RatisRegistries.ofMember("n1", "n1@group-1").test("n1")).isTrue();
    }
}
