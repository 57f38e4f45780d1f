package io.ratissm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Health;
import io.ratissm.LogStats;
import io.ratissm.ReplicaStatus;
import io.ratissm.Replication;
import io.ratissm.Role;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperationsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile Health health = new Health(true, "");
    private OperationsServer server;

    @BeforeEach
    void start() throws Exception {
        server = OperationsServer.start("t1", new InetSocketAddress("127.0.0.1", 0), new OperationsServer.Replica() {
            @Override
            public Health health() {
                return health;
            }

            @Override
            public ReplicaStatus status() {
                return new ReplicaStatus(
                        "t1",
                        Role.FOLLOWER,
                        4,
                        Optional.of("t\"2"),
                        new LogStats(3, 11, 10, 9, -1),
                        Replication.PASSIVE,
                        health);
            }

            @Override
            public String prometheusText() {
                return "# TYPE x gauge\nx 1\n";
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIs200WhileHealthyAnd503WithTheReasonOtherwise() throws Exception {
        assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health").body()).isEqualTo("OK\n");

        health = new Health(false, "the state machine threw at log index 7");
        HttpResponse<String> down = send("GET", "/health");

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("the state machine threw at log index 7\n");
    }

    @Test
    void statusIsAJsonObjectWithEveryFieldAndTheReplicasClocksWhenItAnswered() throws Exception {
        long wallBefore = System.currentTimeMillis();
        long nanosBefore = System.nanoTime();
        HttpResponse<String> r = send("GET", "/status");
        long nanosAfter = System.nanoTime();
        long wallAfter = System.currentTimeMillis();

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        Matcher clocks = Pattern.compile(",\"wallClockMillis\":(\\d+),\"monotonicNanos\":(-?\\d+)}\n$")
                .matcher(r.body());
        assertThat(clocks.find()).as("clocks at the end of %s", r.body()).isTrue();
        assertThat(r.body().substring(0, clocks.start()))
                .isEqualTo("{\"id\":\"t1\",\"role\":\"FOLLOWER\",\"term\":4,\"leaderId\":\"t\\\"2\","
                        + "\"commitIndex\":10,\"appliedIndex\":9,\"lastLogIndex\":11,\"lastLogTerm\":3,"
                        + "\"latestSnapshotIndex\":-1,"
                        + "\"replication\":\"PASSIVE\",\"healthy\":true,\"reason\":\"\",\"groups\":{}");
        // the server runs in this JVM, so its clocks are this test's: the readings fall within the request
        assertThat(Long.parseLong(clocks.group(1))).isBetween(wallBefore, wallAfter);
        assertThat(Long.parseLong(clocks.group(2))).isBetween(nanosBefore, nanosAfter);
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("# TYPE x gauge\nx 1\n");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/metricsx").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/health");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void jsonEscapesControlCharacters() {
        assertThat(Json.object(java.util.Map.of("k", "a\u0001\n\\"))).isEqualTo("{\"k\":\"a\\u0001\\n\\\\\"}");
    }
}
