package io.ratissm.jepsen.perf;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Jepsen's performance graphs from a history: {@code latency-raw.png} (every client op's latency against the
 * time it was invoked, log scale, one series per {@code :f} and outcome), {@code latency-quantiles.png} (p50,
 * p95, p99 and max per {@code :f} over windows) and {@code rate.png} (completions per second per {@code :f}
 * and outcome). Fault windows are shaded on all three, so a latency spike can be matched to its cause.
 */
public final class PerfPlots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 500;
    private static final Color FAULT = new Color(255, 170, 38, 60);
    private static final double[] QUANTILES = {0.5, 0.95, 0.99, 1.0};

    private PerfPlots() {}

    /** A completed client op: when it was invoked (s), how long it took (ms), its {@code :f} and outcome. */
    record Sample(double startSeconds, double latencyMillis, String f, OpType type) {}

    /** Writes the three PNGs into {@code dir}; {@code faults} are {@code [start, end]} in history nanoseconds. */
    public static void write(History history, List<long[]> faults, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Sample> samples = samples(history);
        save(latencyRaw(samples), faults, dir.resolve("latency-raw.png"));
        save(latencyQuantiles(samples), faults, dir.resolve("latency-quantiles.png"));
        save(rate(samples), faults, dir.resolve("rate.png"));
    }

    /** Pairs each client invocation with its completion (by process), skipping ops that never completed. */
    static List<Sample> samples(History history) {
        Map<Object, Op> open = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (Op op : history.ops()) {
            if (!op.isClient() || op.time() == Op.NO_TIME) {
                continue;
            }
            if (op.type() == OpType.INVOKE) {
                open.put(op.process(), op);
            } else {
                Op invoke = open.remove(op.process());
                if (invoke != null) {
                    samples.add(new Sample(
                            invoke.time() / 1e9,
                            Math.max(0.01, (op.time() - invoke.time()) / 1e6),
                            String.valueOf(op.f()),
                            op.type()));
                }
            }
        }
        return samples;
    }

    private static JFreeChart latencyRaw(List<Sample> samples) {
        Map<String, XYSeries> series = new TreeMap<>();
        for (Sample s : samples) {
            series.computeIfAbsent(s.f() + " " + s.type().keyword(), XYSeries::new)
                    .add(s.startSeconds(), s.latencyMillis());
        }
        JFreeChart chart = chart("Latency (raw)", "latency (ms)", series, false);
        logScale(chart);
        return chart;
    }

    private static JFreeChart latencyQuantiles(List<Sample> samples) {
        double end = samples.stream().mapToDouble(Sample::startSeconds).max().orElse(1);
        double window = Math.max(1, Math.ceil(end / 30));
        Map<String, TreeMap<Long, List<Double>>> byF = new TreeMap<>();
        for (Sample s : samples) {
            if (s.type() == OpType.OK) {
                byF.computeIfAbsent(s.f(), k -> new TreeMap<>())
                        .computeIfAbsent((long) (s.startSeconds() / window), k -> new ArrayList<>())
                        .add(s.latencyMillis());
            }
        }
        Map<String, XYSeries> series = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, List<Double>>> f : byF.entrySet()) {
            for (Map.Entry<Long, List<Double>> bucket : f.getValue().entrySet()) {
                List<Double> sorted = new ArrayList<>(bucket.getValue());
                Collections.sort(sorted);
                double t = (bucket.getKey() + 0.5) * window;
                for (double q : QUANTILES) {
                    String name = f.getKey() + " " + (q == 1.0 ? "max" : "p" + Math.round(q * 100));
                    series.computeIfAbsent(name, XYSeries::new).add(t, sorted.get((int)
                            Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))));
                }
            }
        }
        JFreeChart chart =
                chart("Latency quantiles (ok ops, " + (long) window + " s windows)", "latency (ms)", series, true);
        logScale(chart);
        return chart;
    }

    private static JFreeChart rate(List<Sample> samples) {
        Map<String, TreeMap<Long, Integer>> counts = new TreeMap<>();
        for (Sample s : samples) {
            double completed = s.startSeconds() + s.latencyMillis() / 1e3;
            counts.computeIfAbsent(s.f() + " " + s.type().keyword(), k -> new TreeMap<>())
                    .merge((long) completed, 1, Integer::sum);
        }
        Map<String, XYSeries> series = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, Integer>> e : counts.entrySet()) {
            XYSeries s = series.computeIfAbsent(e.getKey(), XYSeries::new);
            long last = e.getValue().lastKey();
            for (long second = 0; second <= last; second++) {
                s.add(second + 0.5, e.getValue().getOrDefault(second, 0));
            }
        }
        return chart("Throughput (1 s buckets)", "completions per second", series, true);
    }

    private static JFreeChart chart(String title, String yLabel, Map<String, XYSeries> series, boolean lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createScatterPlot(
                title, "time since start (s)", yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (lines) {
            plot.setRenderer(new XYLineAndShapeRenderer(true, false));
        }
        return chart;
    }

    private static void logScale(JFreeChart chart) {
        LogAxis axis = new LogAxis(chart.getXYPlot().getRangeAxis().getLabel());
        axis.setSmallestValue(0.01);
        chart.getXYPlot().setRangeAxis(axis);
    }

    private static void save(JFreeChart chart, List<long[]> faults, Path file) throws IOException {
        for (long[] w : faults) {
            IntervalMarker m = new IntervalMarker(w[0] / 1e9, w[1] / 1e9);
            m.setPaint(FAULT);
            chart.getXYPlot().addDomainMarker(m, org.jfree.chart.ui.Layer.BACKGROUND);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
