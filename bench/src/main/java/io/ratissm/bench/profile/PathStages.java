package io.ratissm.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a {@link CommandPathProfile} recording: the stages of each lone command, the fsyncs, and the hottest
 * methods by role.
 *
 * <p>A lone command's stages, from the events between its submit and its answer (with one command outstanding
 * nothing else runs in that window but heartbeats): submit to the leader's fsync of its entry starting (client,
 * gRPC, Ratis's leader and ratis-sm's {@code startTransaction}, the log write); the leader's fsync; the first
 * follower's fsync ending (in parallel with the leader's: the entry is committed when both the leader's and one
 * follower's are done); commit to the leader applying it; the leader's apply to the client's answer (the reply's
 * way back: Ratis's reply, gRPC, the client completing the future).
 */
final class PathStages {
    private PathStages() {}

    static void print(Path recordingFile, String leader, List<String> followers, int outstanding) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(recordingFile);
        events.sort(Comparator.comparing(RecordedEvent::getStartTime));
        printFsyncs(events, leader, followers);
        if (outstanding == 1) {
            printStages(events, leader, followers);
        }
        printHotMethods(events, leader, followers);
    }

    private static void printFsyncs(List<RecordedEvent> events, String leader, List<String> followers) {
        Map<String, List<Double>> byRole = new HashMap<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.FileForce")) {
                byRole.computeIfAbsent(CommandPathProfile.role(thread(e), leader, followers), k -> new ArrayList<>())
                        .add(millis(e.getDuration()));
            }
        }
        System.out.println("fsyncs (jdk.FileForce) in the window, by thread:");
        System.out.println();
        System.out.println("| thread | fsyncs | p50 ms | p90 ms |");
        System.out.println("|---|---:|---:|---:|");
        byRole.forEach((role, ms) -> System.out.printf(
                Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", role, ms.size(), percentile(ms, 50), percentile(ms, 90)));
        System.out.println();
    }

    private static void printStages(List<RecordedEvent> events, String leader, List<String> followers) {
        String[] names = {
            "submit -> leader fsync starts",
            "leader fsync",
            "submit -> first follower fsync ends",
            "committed (leader and a follower fsynced) -> leader applies",
            "leader applies -> client has the answer",
            "total (submit -> answer)"
        };
        List<List<Double>> stages = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            stages.add(new ArrayList<>());
        }
        int commands = 0;
        int complete = 0;
        for (int i = 0; i < events.size(); i++) {
            RecordedEvent answered = events.get(i);
            if (!answered.getEventType().getName().equals("ratissm.bench.CommandAnswered")) {
                continue;
            }
            commands++;
            Instant submit = answered.getStartTime();
            Instant answer = answered.getEndTime();
            RecordedEvent leaderForce = null;
            Instant followerForced = null;
            Instant leaderApplied = null;
            for (int j = i + 1;
                    j < events.size() && !events.get(j).getStartTime().isAfter(answer);
                    j++) {
                RecordedEvent e = events.get(j);
                String thread = thread(e);
                boolean onLeader = thread.contains(leader + "@");
                switch (e.getEventType().getName()) {
                    case "jdk.FileForce" -> {
                        if (onLeader && leaderForce == null) {
                            leaderForce = e;
                        } else if (!onLeader && followers.stream().anyMatch(f -> thread.contains(f + "@"))) {
                            followerForced = earliest(followerForced, e.getEndTime());
                        }
                    }
                    case "ratissm.bench.CommandApplied" -> {
                        if (onLeader && leaderApplied == null) {
                            leaderApplied = e.getStartTime();
                        }
                    }
                    default -> {}
                }
            }
            if (leaderForce == null || followerForced == null || leaderApplied == null) {
                continue;
            }
            complete++;
            Instant committed = latest(leaderForce.getEndTime(), followerForced);
            stages.get(0).add(between(submit, leaderForce.getStartTime()));
            stages.get(1).add(millis(leaderForce.getDuration()));
            stages.get(2).add(between(submit, followerForced));
            stages.get(3).add(between(committed, leaderApplied));
            stages.get(4).add(between(leaderApplied, answer));
            stages.get(5).add(between(submit, answer));
        }
        System.out.printf(
                Locale.ROOT,
                "A lone command's stages (%d of %d commands had every event in their window):%n%n",
                complete,
                commands);
        System.out.println("| stage | p50 ms | p90 ms |");
        System.out.println("|---|---:|---:|");
        for (int i = 0; i < names.length; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.3f | %.3f |%n",
                    names[i],
                    percentile(stages.get(i), 50),
                    percentile(stages.get(i), 90));
        }
        System.out.println();
    }

    private static void printHotMethods(List<RecordedEvent> events, String leader, List<String> followers) {
        Map<String, Integer> samples = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            RecordedFrame top = frames.get(0);
            String method =
                    top.getMethod().getType().getName() + "." + top.getMethod().getName();
            samples.merge(CommandPathProfile.role(thread(e), leader, followers) + " | " + method, 1, Integer::sum);
            total++;
        }
        System.out.printf(
                Locale.ROOT, "Hottest methods (top frame of %d Java execution samples, every 10 ms):%n%n", total);
        System.out.println("| thread | method | samples | share |");
        System.out.println("|---|---|---:|---:|");
        int all = total;
        samples.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(25)
                .forEach(s -> System.out.printf(
                        Locale.ROOT, "| %s | %d | %.1f %% |%n", s.getKey(), s.getValue(), 100.0 * s.getValue() / all));
        System.out.println();
    }

    /** The thread an event happened on (for a method sample, the sampled thread, not the sampler). */
    private static String thread(RecordedEvent e) {
        RecordedThread t = e.hasField("sampledThread") ? e.getThread("sampledThread") : e.getThread();
        return t == null ? "?" : t.getJavaName();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static double between(Instant from, Instant to) {
        return millis(Duration.between(from, to));
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
    }
}
