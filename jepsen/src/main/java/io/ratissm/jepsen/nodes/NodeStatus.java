package io.ratissm.jepsen.nodes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a replica last said about itself in its status file: whether it leads, in which term, how far it applied,
 * and whether it called itself healthy ({@code ReplicaServer.health()}).
 */
public record NodeStatus(boolean leader, long term, long appliedIndex, boolean healthy) {

    /**
     * Parses {@code leader=true term=3 applied=120 healthy=true}; empty if the line is incomplete (e.g. torn). A line
     * without {@code healthy} (older replicas) counts as healthy.
     */
    static Optional<NodeStatus> parse(String line) {
        Map<String, String> fields = fields(line);
        try {
            return Optional.of(new NodeStatus(
                    Boolean.parseBoolean(fields.get("leader")),
                    Long.parseLong(fields.get("term")),
                    Long.parseLong(fields.get("applied")),
                    !"false".equals(fields.get("healthy"))));
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** The {@code key=value} fields of a status line (which {@link ClockSample} reads too). */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }
}
