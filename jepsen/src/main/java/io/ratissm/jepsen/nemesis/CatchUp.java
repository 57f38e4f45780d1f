package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.jepsen.nodes.NodeStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a replica that a storage fault hit works again: it has applied as far as the furthest other replica had
 * when the fault ended. Read from the replicas' {@code /status} endpoints, so it needs no client and no write traffic.
 */
final class CatchUp {
    private CatchUp() {}

    /**
     * Waits up to {@code timeout} for {@code node} to reach the highest applied index the other replicas report
     * now. Returns {@code :caught-up}: true or false, or {@code :nothing-to-follow} when the others have not applied
     * beyond {@code since} (what the node had applied when the fault began; -1 if unknown), so that whether the node
     * works cannot be seen (no load, or the group itself stopped). Also {@code :caught-up-ms} when it did,
     * {@code :healthy} (the node's own word, nil if it does not report) and {@code :applied}, every replica's applied
     * index at the end (nil for one that does not report: down, paused or frozen).
     */
    static Map<Keyword, Object> await(Cluster cluster, NodeProcess node, long since, Duration timeout) {
        long goal = cluster.nodes().stream()
                .filter(n -> n != node)
                .map(NodeProcess::status)
                .flatMap(Optional::stream)
                .mapToLong(NodeStatus::appliedIndex)
                .max()
                .orElse(0);
        if (goal <= since) {
            Map<Keyword, Object> result = new LinkedHashMap<>();
            result.put(Keyword.of("caught-up"), Keyword.of("nothing-to-follow"));
            result.put(
                    Keyword.of("healthy"),
                    node.status().map(NodeStatus::healthy).orElse(null));
            result.put(Keyword.of("applied"), applied(cluster));
            return result;
        }
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        Optional<NodeStatus> seen = node.status();
        while (seen.map(s -> s.appliedIndex() < goal).orElse(true) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // between requests to its /status; polling with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            seen = node.status();
        }
        Map<Keyword, Object> result = new LinkedHashMap<>();
        boolean caughtUp = seen.map(s -> s.appliedIndex() >= goal).orElse(false);
        result.put(Keyword.of("caught-up"), caughtUp);
        if (caughtUp) {
            result.put(Keyword.of("caught-up-ms"), (System.nanoTime() - begin) / 1_000_000);
        }
        result.put(Keyword.of("healthy"), seen.map(NodeStatus::healthy).orElse(null));
        result.put(Keyword.of("applied"), applied(cluster));
        return result;
    }

    /** {@code node}'s applied index now, -1 if it does not report. */
    static long appliedIndex(NodeProcess node) {
        return node.status().map(NodeStatus::appliedIndex).orElse(-1L);
    }

    /** Every replica's applied index now, nil for one that does not report (down, paused or frozen). */
    static Map<String, Object> applied(Cluster cluster) {
        Map<String, Object> applied = new LinkedHashMap<>();
        for (NodeProcess n : cluster.nodes()) {
            applied.put(n.id(), n.status().map(NodeStatus::appliedIndex).orElse(null));
        }
        return applied;
    }
}
