package io.ratissm.internal.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import com.codahale.metrics.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one Dropwizard registry's metrics into another as they come and go, each under {@code prefix + name}: a
 * Ratis registry into a replica's, or a group's registry into its server's. The same metric objects, not copies.
 * Callbacks run on whatever thread changes the source (Ratis's, for its registries) and never throw.
 */
public final class RegistryMirror implements MetricRegistryListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryMirror.class);

    private final MetricRegistry source;
    private final MetricRegistry target;
    private final String prefix;

    private RegistryMirror(MetricRegistry source, MetricRegistry target, String prefix) {
        this.source = source;
        this.target = target;
        this.prefix = prefix;
    }

    /** Starts mirroring, the metrics {@code source} has already included. */
    public static RegistryMirror start(MetricRegistry source, MetricRegistry target, String prefix) {
        RegistryMirror m = new RegistryMirror(source, target, prefix);
        source.addListener(m); // replays the metrics the registry has already
        return m;
    }

    /** Stops mirroring and removes what was mirrored (but not a newer metric published under the same name). */
    @Override
    public void close() {
        source.removeListener(this);
        source.getMetrics().forEach(this::removed);
    }

    private void added(String name, Metric metric) {
        String to = prefix + name;
        // A restarted division may publish a name while the registry it replaces is still being removed: the newer
        // metric wins, and the older registry's removal (by identity, below) leaves it alone.
        target.remove(to);
        try {
            target.register(to, metric);
        } catch (IllegalArgumentException raced) {
            // Another registry re-published the same name between the two calls: keep that one. This runs on
            // Ratis's threads, which must never see an exception from a metrics hook.
            LOG.debug("metric {} was published twice at once; keeping the other", to);
        }
    }

    /** The source dropped one metric (e.g. a follower's gauges): it is gone by name. */
    private void removed(String name) {
        target.remove(prefix + name);
    }

    /** The whole source is going: remove its metrics, but not a newer one under the same name. */
    private void removed(String name, Metric metric) {
        String to = prefix + name;
        target.removeMatching((n, m) -> m == metric && n.equals(to));
    }

    @Override
    public void onGaugeAdded(String name, Gauge<?> gauge) {
        added(name, gauge);
    }

    @Override
    public void onGaugeRemoved(String name) {
        removed(name);
    }

    @Override
    public void onCounterAdded(String name, Counter counter) {
        added(name, counter);
    }

    @Override
    public void onCounterRemoved(String name) {
        removed(name);
    }

    @Override
    public void onHistogramAdded(String name, Histogram histogram) {
        added(name, histogram);
    }

    @Override
    public void onHistogramRemoved(String name) {
        removed(name);
    }

    @Override
    public void onMeterAdded(String name, Meter meter) {
        added(name, meter);
    }

    @Override
    public void onMeterRemoved(String name) {
        removed(name);
    }

    @Override
    public void onTimerAdded(String name, Timer timer) {
        added(name, timer);
    }

    @Override
    public void onTimerRemoved(String name) {
        removed(name);
    }
}
