package io.ratissm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Health;
import io.ratissm.LogStats;
import io.ratissm.ReplicaStatus;
import io.ratissm.Replication;
import io.ratissm.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoints keep answering a load balancer's health check and a scraper whatever other connections do: idle
 * ones holding half a request, one sending its request a byte at a time, ones that never read their response, and
 * more of them than the server keeps open. Functional tests: the HTTP client's timeout is far longer than any answer
 * of a working server takes, so only a server that waits for those connections fails them. And requests that are
 * not what the endpoints expect get a definite answer: 400, 431, 503 when saturated, 405 after a body.
 */
class MisbehavingClientsTest {
    /** Long enough for a loaded machine; the server's answer takes milliseconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(20);
    /** More than the socket buffers of both ends hold, so that a server writing it to a non-reader would block. */
    private static final String LARGE_METRICS = "# TYPE x gauge\n" + "x 1\n".repeat(2 << 20);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(GENEROUS).build();
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> dribblers = new ArrayList<>();

    private final OperationsServer.Replica replica = new OperationsServer.Replica() {
        @Override
        public Health health() {
            return new Health(true, "");
        }

        @Override
        public ReplicaStatus status() {
            return new ReplicaStatus(
                    "t1",
                    Role.LEADER,
                    2,
                    Optional.of("t1"),
                    new LogStats(2, 5, 5, 5, -1),
                    Replication.ACTIVE,
                    new Health(true, ""));
        }

        @Override
        public String prometheusText() {
            return LARGE_METRICS;
        }
    };
    private OperationsServer server;

    @BeforeEach
    void start() throws IOException {
        server = OperationsServer.start("t1", new InetSocketAddress("127.0.0.1", 0), replica);
    }

    @AfterEach
    void stop() throws Exception {
        stop.set(true);
        for (Thread t : dribblers) {
            t.join();
        }
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    @Test
    void theEndpointsAnswerWhileOtherConnectionsAreIdleSlowOrNeverRead() throws Exception {
        for (int i = 0; i < 100; i++) {
            Socket idle = connect();
            idle.getOutputStream()
                    .write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 2; i++) {
            dribble(connect());
        }
        for (int i = 0; i < 4; i++) {
            Socket neverReads = connect();
            neverReads
                    .getOutputStream()
                    .write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK\n");
        HttpResponse<String> status = get("/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).startsWith("{\"id\":\"t1\",\"role\":\"LEADER\"");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).isEqualTo(LARGE_METRICS);
    }

    @Test
    void aConnectionWhoseHeadIsLateIsClosed() throws Exception {
        restart(
                replica,
                new BoundedHttpServer.Limits(
                        64,
                        8192,
                        Duration.ofSeconds(5),
                        Duration.ofMillis(300),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2),
                        2,
                        16));
        Socket slow = connect();
        slow.setSoTimeout((int) GENEROUS.toMillis());
        slow.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(slow.getInputStream().read())
                .as("closed by the server, with no answer")
                .isEqualTo(-1);
    }

    @Test
    void whenEveryWorkerIsBusyAndTheQueueFullARequestGets503AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        restart(
                new OperationsServer.Replica() {
                    @Override
                    public Health health() {
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return new Health(true, "");
                    }

                    @Override
                    public ReplicaStatus status() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public String prometheusText() {
                        throw new UnsupportedOperationException();
                    }
                },
                new BoundedHttpServer.Limits(
                        64,
                        8192,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(2),
                        1,
                        0));
        try (Socket held = connect()) {
            held.getOutputStream().write("GET /health HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            entered.await();

            String refused = exchange("GET /health HTTP/1.1\r\n\r\n");

            assertThat(refused)
                    .startsWith("HTTP/1.1 503 ")
                    .endsWith("\r\n\r\nbusy: too many requests at once; " + "retry\n");
            release.countDown();
            assertThat(new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("HTTP/1.1 200 ")
                    .endsWith("\r\n\r\nOK\n");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aMalformedRequestGets400WithTheReason() throws Exception {
        assertThat(exchange("HELLO\r\n\r\n"))
                .startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("\r\n\r\nbad request: the request line is not 'METHOD TARGET HTTP/1.1'\n");
        assertThat(exchange("GET /health HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET health HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /health HTTP/1.1\r\nno colon here\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .endsWith("header line 1 is not 'Name: value'\n");
    }

    @Test
    void anOversizedHeadGets431() throws Exception {
        String huge = "GET /health HTTP/1.1\r\nX-Filler: " + "a".repeat(10_000) + "\r\n\r\n";

        assertThat(exchange(huge)).startsWith("HTTP/1.1 431 ").endsWith("the request head is longer than 8192 bytes\n");
    }

    @Test
    void aRequestWithABodyGetsItsWholeAnswer() throws Exception {
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                        .timeout(GENEROUS)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 << 20]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(post.body()).isEqualTo("POST is not allowed; use GET\n");
    }

    @Test
    void aRequestInTheAbsoluteFormOrWithAQueryIsServedByItsPath() throws Exception {
        assertThat(exchange("GET http://127.0.0.1/health?verbose=1 HTTP/1.0\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("\r\nConnection: close\r\n")
                .endsWith("\r\n\r\nOK\n");
        assertThat(exchange("GET /health HTTP/1.1\nHost: x\n\n"))
                .as("bare line feeds")
                .endsWith("\r\n\r\nOK\n");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(GENEROUS)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} on a new connection and reads the whole answer, until the server closes. */
    private String exchange(String request) throws IOException {
        try (Socket s = connect()) {
            s.setSoTimeout((int) GENEROUS.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void restart(OperationsServer.Replica replica, BoundedHttpServer.Limits limits) throws IOException {
        server.close();
        server = OperationsServer.start("t1", new InetSocketAddress("127.0.0.1", 0), replica, limits);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        sockets.add(s);
        return s;
    }

    /** Sends an endless request head one byte at a time, as a slow (or malicious) client does. */
    private void dribble(Socket s) {
        Thread t = new Thread(
                () -> {
                    byte[] head = "GET /health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
                    try {
                        OutputStream out = s.getOutputStream();
                        for (int i = 0; !stop.get(); i++) {
                            out.write(i < head.length ? head[i] : 'a');
                            out.flush();
                            Thread.sleep(20); // the pace of the fault being injected, not a wait for a condition
                        }
                    } catch (IOException | InterruptedException e) {
                        // the server closed it, as it may: the test checks the other connections
                    }
                },
                "dribbler");
        t.setDaemon(true);
        t.start();
        dribblers.add(t);
    }
}
