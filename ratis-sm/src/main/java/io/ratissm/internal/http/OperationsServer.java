package io.ratissm.internal.http;

import io.ratissm.Health;
import io.ratissm.ReplicaStatus;
import io.ratissm.internal.metrics.PrometheusText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's operations endpoints over HTTP/1.1:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text (version 0.0.4);</li>
 *   <li>{@code GET /health}: 200 {@code OK} when healthy, otherwise 503 with the reason as the body;</li>
 *   <li>{@code GET /status}: the {@link ReplicaStatus} as a JSON object, with the replica's two clocks as it
 *       answered ({@code wallClockMillis}, {@code monotonicNanos}), and under {@code groups} the status in every
 *       group it serves, by group id.</li>
 * </ul>
 * Other paths answer 404, other methods 405 (with {@code Allow: GET}), a malformed request 400. Requests are
 * served on this server's own daemon threads, so a slow scraper never holds a Ratis thread; and slow, idle or
 * non-reading connections never hold up the answers to others ({@link BoundedHttpServer} says how).
 */
public final class OperationsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsServer.class);

    /** What the endpoints show. Called on the HTTP threads, once per request. */
    public interface Replica {
        Health health();

        ReplicaStatus status();

        /** Every group the replica serves, by group id, its first one included. */
        default Map<String, ReplicaStatus> groups() {
            return Map.of();
        }

        /** The replica's metrics in the Prometheus text format. */
        String prometheusText();
    }

    private final String replicaId;
    private final BoundedHttpServer server;

    private OperationsServer(String replicaId, BoundedHttpServer server) {
        this.replicaId = replicaId;
        this.server = server;
    }

    /**
     * Binds and starts serving.
     *
     * @param address the host and port (port 0: any free port; see {@link #port()})
     * @throws IOException if the address cannot be bound (the message names it)
     */
    public static OperationsServer start(String replicaId, InetSocketAddress address, Replica replica)
            throws IOException {
        return start(replicaId, address, replica, BoundedHttpServer.Limits.DEFAULT);
    }

    /** {@link #start(String, InetSocketAddress, Replica)} with other bounds, for tests. */
    static OperationsServer start(
            String replicaId, InetSocketAddress address, Replica replica, BoundedHttpServer.Limits limits)
            throws IOException {
        BoundedHttpServer http;
        try {
            http = BoundedHttpServer.start(
                    "ratis-sm-http-" + replicaId,
                    address,
                    limits,
                    request -> respond(replica, request.method(), request.path()));
        } catch (IOException e) {
            throw new IOException(replicaId + ": cannot serve HTTP on " + address + ": " + e.getMessage(), e);
        }
        OperationsServer s = new OperationsServer(replicaId, http);
        LOG.info("{}: serving /metrics, /health and /status on {}:{}", replicaId, address.getHostString(), s.port());
        return s;
    }

    /** The port it is bound to. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        LOG.debug("{}: HTTP stopped", replicaId);
    }

    private static Response respond(Replica replica, String method, String path) {
        boolean known = path.equals("/metrics") || path.equals("/health") || path.equals("/status");
        if (!known) {
            return Response.text(404, "not found: " + path + " (try /metrics, /health or /status)\n");
        }
        if (!method.equals("GET")) {
            return new Response(405, Response.TEXT, method + " is not allowed; use GET\n", "GET");
        }
        return switch (path) {
            case "/metrics" -> new Response(200, PrometheusText.CONTENT_TYPE, replica.prometheusText());
            case "/health" -> {
                Health h = replica.health();
                yield h.healthy() ? Response.text(200, "OK\n") : Response.text(503, h.reason() + "\n");
            }
            default ->
                new Response(
                        200,
                        "application/json",
                        statusJson(replica.status(), replica.groups(), System.currentTimeMillis(), System.nanoTime()));
        };
    }

    /**
     * The status with the replica's clocks: lease reads and session expiry rely on them, so a monitor that reads
     * {@code wallClockMillis} from every replica sees their skew, and two readings of {@code monotonicNanos} (the
     * clock Ratis times elections and the lease with) give its rate against the monitor's own clock.
     */
    static String statusJson(
            ReplicaStatus s, Map<String, ReplicaStatus> groups, long wallClockMillis, long monotonicNanos) {
        Map<String, Object> m = fields(s);
        Map<String, Object> byGroup = new LinkedHashMap<>();
        groups.forEach((group, status) -> byGroup.put(group, fields(status)));
        m.put("groups", byGroup);
        m.put("wallClockMillis", wallClockMillis);
        m.put("monotonicNanos", monotonicNanos);
        return Json.object(m) + "\n";
    }

    private static Map<String, Object> fields(ReplicaStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("role", s.role().name());
        m.put("term", s.term());
        m.put("leaderId", s.leaderId().orElse(null));
        m.put("commitIndex", s.log().commitIndex());
        m.put("appliedIndex", s.log().appliedIndex());
        m.put("lastLogIndex", s.log().lastIndex());
        m.put("lastLogTerm", s.log().lastTerm());
        m.put("latestSnapshotIndex", s.log().snapshotIndex());
        m.put("replication", s.replication().name());
        m.put("healthy", s.health().healthy());
        m.put("reason", s.health().reason());
        return m;
    }
}
