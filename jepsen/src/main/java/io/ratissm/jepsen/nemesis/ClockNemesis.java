package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.ClockSample;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.Faketime;
import io.ratissm.jepsen.nodes.NodeClock;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Moves the clocks of one replica (libfaketime, see {@link NodeClock}), and records what the replica then
 * reported, so the history shows that the fault really reached {@code System.currentTimeMillis} and
 * {@code System.nanoTime} inside it.
 *
 * <ul>
 *   <li>{@code clock-skew}: the target's clocks end up ahead of or behind the others' by 1 s to the configured
 *       maximum. Clocks are only ever stepped forward: "ahead" steps the target at the start of the window and
 *       the others at its end; "behind" the reverse. So every window ends with the clocks agreeing again, and
 *       they all drift ahead of real time by the steps taken.</li>
 *   <li>{@code clock-rate}: the target's clocks run at a rate drawn log-uniformly from the configured range for
 *       the window, then at the real rate again, keeping the time they gained or lost (as a real clock does
 *       until something steps it).</li>
 * </ul>
 *
 * <p>Why forward only: libfaketime has one spec per process, so a step moves the monotonic clock
 * ({@code nanoTime}) with the wall clock. A real machine's wall clock can step back, its monotonic clock never
 * does; and when a JVM's {@code nanoTime} steps back by D, every timer armed before the step (scheduled
 * executors, timed waits) fires D late even if the clock is put right at once, which freezes the replica's
 * heartbeats and timeouts for D: a fault of the JVM, not of Ratis. A forward step looks to the replica like a
 * pause of D during which no time passed for the others.
 *
 * <p>A replica reads its clock spec at most once per real second, so each move waits (up to a few seconds) for
 * the replica's status report to show it; a replica that is down or paused is recorded as unobserved. Only one
 * clock fault may be active at a time (the catalog refuses to combine two).
 */
public final class ClockNemesis implements Nemesis {

    /** Which clock fault. */
    public enum Kind {
        SKEW,
        RATE
    }

    /** libfaketime re-reads the spec on the first clock reading of each real second; plus a margin. */
    private static final Duration REREAD = Duration.ofMillis(1100);
    /**
     * A replica answers /status at once whatever its clocks do; this bounds the waits for one that is down or
     * paused (and for a loaded machine's slow answers).
     */
    private static final Duration OBSERVE_TIMEOUT = Duration.ofSeconds(6);

    private static final Duration MIN_SKEW = Duration.ofSeconds(1);
    private static final Keyword UNOBSERVED = Keyword.of("unobserved");

    private final Cluster cluster;
    private final Kind kind;
    private final Targets targets;
    private final Random random;
    private final ClockFaults faults;
    private Skew skew;
    private Rate rate;

    private record Skew(List<NodeProcess> stepLater, long stepMillis) {}

    private record Rate(NodeProcess node, double rate, Optional<ClockSample> first) {}

    /** @param targets {@link Targets#ONE} (a random replica) or {@link Targets#LEADER} */
    public ClockNemesis(Cluster cluster, Kind kind, Targets targets, Random random, ClockFaults faults) {
        if (cluster.nodes().stream().anyMatch(n -> n.clock().isEmpty())) {
            throw new IllegalArgumentException("clock faults need the replicas to run under libfaketime: "
                    + Objects.requireNonNullElse(Faketime.whyUnavailable(), "they do not"));
        }
        if (targets != Targets.ONE && targets != Targets.LEADER) {
            throw new IllegalArgumentException("a clock fault hits one replica or the leader, not " + targets);
        }
        this.cluster = cluster;
        this.kind = kind;
        this.targets = targets;
        this.random = random;
        this.faults = faults;
    }

    @Override
    public String name() {
        return "clock-" + kind.name().toLowerCase() + (targets == Targets.LEADER ? "-leader" : "");
    }

    @Override
    public Object start() {
        NodeProcess target = targets.select(cluster, random).get(0);
        return kind == Kind.SKEW ? startSkew(target) : startRate(target);
    }

    @Override
    public Object stop() {
        return kind == Kind.SKEW ? stopSkew() : stopRate();
    }

    private Object startSkew(NodeProcess target) {
        long min = MIN_SKEW.toMillis();
        long step = min + (long) (random.nextDouble() * (faults.maxSkew().toMillis() - min));
        boolean ahead = random.nextBoolean();
        List<NodeProcess> others = new ArrayList<>(cluster.nodes());
        others.remove(target);
        List<NodeProcess> now = ahead ? List.of(target) : others;
        skew = new Skew(ahead ? others : List.of(target), step);
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), target.id());
        done.put(Keyword.of("relative-ms"), ahead ? step : -step);
        done.put(Keyword.of("stepped"), step(now, step));
        return List.of(Keyword.of("skewed"), done);
    }

    private Object stopSkew() {
        if (skew == null) {
            return List.of(Keyword.of("skew-healed"), Map.of());
        }
        Map<String, Object> stepped = step(skew.stepLater(), skew.stepMillis());
        skew = null;
        return List.of(Keyword.of("skew-healed"), stepped);
    }

    /**
     * Steps the clocks of {@code nodes} forward by {@code millis} and returns, per node, how far its two clocks
     * were seen to jump ({@code :wall-jump-ms}, {@code :nano-jump-ms}), or {@code :unobserved}.
     */
    private Map<String, Object> step(List<NodeProcess> nodes, long millis) {
        Map<NodeProcess, Optional<ClockSample>> before = new LinkedHashMap<>();
        nodes.forEach(n -> before.put(n, n.clockSample()));
        long written = ClockSample.realNow();
        for (NodeProcess n : nodes) {
            NodeClock clock = n.clock().orElseThrow();
            clock.setOffset(clock.offsetMillis() + millis);
        }
        Map<NodeProcess, Optional<ClockSample>> after =
                ClockSample.await(nodes, written + REREAD.toNanos(), OBSERVE_TIMEOUT);
        Map<String, Object> seen = new LinkedHashMap<>();
        for (NodeProcess n : nodes) {
            Optional<ClockSample> b = before.get(n);
            Optional<ClockSample> a = after.get(n);
            if (b.isPresent() && a.isPresent()) {
                Map<Keyword, Object> jump = new LinkedHashMap<>();
                jump.put(Keyword.of("step-ms"), millis);
                jump.put(
                        Keyword.of("wall-jump-ms"),
                        a.get().offsetMillis() - b.get().offsetMillis());
                jump.put(Keyword.of("nano-jump-ms"), a.get().nanoJumpMillisSince(b.get()));
                seen.put(n.id(), jump);
            } else {
                seen.put(n.id(), List.of(UNOBSERVED, Map.of(Keyword.of("step-ms"), millis)));
            }
        }
        return seen;
    }

    private Object startRate(NodeProcess target) {
        double r = Math.exp(Math.log(faults.slowestRate())
                + random.nextDouble() * (Math.log(faults.fastestRate()) - Math.log(faults.slowestRate())));
        r = Math.round(r * 1000) / 1000.0;
        long written = ClockSample.realNow();
        target.clock().orElseThrow().setRate(r);
        Optional<ClockSample> first = ClockSample.await(List.of(target), written + REREAD.toNanos(), OBSERVE_TIMEOUT)
                .get(target);
        rate = new Rate(target, r, first);
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), target.id());
        done.put(Keyword.of("rate"), r);
        return List.of(Keyword.of("clock-rate"), done);
    }

    private Object stopRate() {
        if (rate == null) {
            return List.of(Keyword.of("rate-healed"), Map.of());
        }
        Rate r = rate;
        rate = null;
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), r.node().id());
        done.put(Keyword.of("rate"), r.rate());
        Optional<ClockSample> last = r.node().clockSample();
        if (r.first().isPresent()
                && last.isPresent()
                && last.get().realNanos() > r.first().get().realNanos()) {
            done.put(
                    Keyword.of("observed-wall-rate"),
                    rounded(last.get().wallRateSince(r.first().get())));
            done.put(
                    Keyword.of("observed-nano-rate"),
                    rounded(last.get().nanoRateSince(r.first().get())));
        } else {
            done.put(Keyword.of("observed-wall-rate"), UNOBSERVED);
        }
        NodeClock clock = r.node().clock().orElseThrow();
        long written = ClockSample.realNow();
        clock.setRate(1);
        Optional<ClockSample> after = ClockSample.await(List.of(r.node()), written + REREAD.toNanos(), OBSERVE_TIMEOUT)
                .get(r.node());
        if (after.isPresent()) {
            clock.offsetMeasured(after.get().offsetMillis());
            done.put(Keyword.of("offset-ms"), after.get().offsetMillis());
        }
        return List.of(Keyword.of("rate-healed"), done);
    }

    private static double rounded(double rate) {
        return Math.round(rate * 1000) / 1000.0;
    }
}
