package io.ratissm.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ratissm.Health;
import io.ratissm.ReplicaStatus;
import io.ratissm.internal.metrics.PrometheusText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's operations endpoints over HTTP/1.1, on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text (version 0.0.4);</li>
 *   <li>{@code GET /health}: 200 {@code OK} when healthy, otherwise 503 with the reason as the body;</li>
 *   <li>{@code GET /status}: the {@link ReplicaStatus} as a JSON object.</li>
 * </ul>
 * Other paths answer 404, other methods 405. Requests are served on this server's own two daemon threads, so a
 * slow scraper never holds a Ratis thread, and a scrape never waits behind a health check for long.
 */
public final class OperationsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    /** What the endpoints show. Called on the HTTP threads, once per request. */
    public interface Replica {
        Health health();

        ReplicaStatus status();

        /** The replica's metrics in the Prometheus text format. */
        String prometheusText();
    }

    private record Response(int status, String contentType, String body) {
    }

    private final String replicaId;
    private final HttpServer server;
    private final ExecutorService threads;

    private OperationsServer(String replicaId, HttpServer server, ExecutorService threads) {
        this.replicaId = replicaId;
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds and starts serving.
     *
     * @param address the host and port (port 0: any free port; see {@link #port()})
     * @throws IOException if the address cannot be bound (the message names it)
     */
    public static OperationsServer start(String replicaId, InetSocketAddress address, Replica replica)
            throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException(replicaId + ": cannot serve HTTP on " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ratis-sm-http-" + replicaId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.createContext("/", exchange -> serve(replicaId, replica, exchange));
        http.start();
        OperationsServer s = new OperationsServer(replicaId, http, threads);
        LOG.info("{}: serving /metrics, /health and /status on {}:{}", replicaId,
                address.getHostString(), s.port());
        return s;
    }

    /** The port it is bound to. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        LOG.debug("{}: HTTP stopped", replicaId);
    }

    private static void serve(String replicaId, Replica replica, HttpExchange exchange) throws IOException {
        Response r;
        try {
            r = respond(replica, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        } catch (RuntimeException e) {
            LOG.warn("{}: {} {} failed", replicaId, exchange.getRequestMethod(), exchange.getRequestURI(), e);
            r = new Response(500, TEXT, "internal error: " + e + "\n");
        }
        if (r.status() == 405) {
            exchange.getResponseHeaders().set("Allow", "GET");
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", r.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Response respond(Replica replica, String method, String path) {
        boolean known = path.equals("/metrics") || path.equals("/health") || path.equals("/status");
        if (!known) {
            return new Response(404, TEXT, "not found: " + path + " (try /metrics, /health or /status)\n");
        }
        if (!method.equals("GET")) {
            return new Response(405, TEXT, method + " is not allowed; use GET\n");
        }
        return switch (path) {
            case "/metrics" -> new Response(200, PrometheusText.CONTENT_TYPE,
                    replica.prometheusText());
            case "/health" -> {
                Health h = replica.health();
                yield h.healthy() ? new Response(200, TEXT, "OK\n") : new Response(503, TEXT, h.reason() + "\n");
            }
            default -> new Response(200, "application/json", statusJson(replica.status()));
        };
    }

    static String statusJson(ReplicaStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("role", s.role().name());
        m.put("term", s.term());
        m.put("leaderId", s.leaderId().orElse(null));
        m.put("commitIndex", s.commitIndex());
        m.put("appliedIndex", s.appliedIndex());
        m.put("lastLogIndex", s.lastLogIndex());
        m.put("latestSnapshotIndex", s.latestSnapshotIndex());
        m.put("replication", s.replication().name());
        m.put("healthy", s.health().healthy());
        m.put("reason", s.health().reason());
        return Json.object(m) + "\n";
    }
}
