package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** A replica's metrics, JMX beans and HTTP endpoints, on a running group. */
class OperationsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(ReplicaServer replica, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + replica.httpPort().orElseThrow() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample line {@code name{replica="id"} value} in a Prometheus exposition. */
    private static double sample(String exposition, String name, String replica) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{replica=\"" + replica + "\"} ") + "(\\S+)$")
                .matcher(exposition);
        assertThat(m.find())
                .as("sample %s of %s in:%n%s", name, replica, exposition)
                .isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** A field of the flat JSON object of {@code /status}, as its raw JSON text. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(1);
    }

    private static Set<String> ratisRegistryOwners(MetricRegistry registry) {
        return registry.getNames().stream()
                .filter(n -> !n.startsWith("ratissm."))
                .map(n -> n.split("\\.")[2])
                .map(p -> p.replaceAll("@.*", ""))
                .collect(Collectors.toSet());
    }

    @Test
    void aReplicaServesItsMetricsHealthAndStatusAndReports503AfterAFailStop() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachinePerReplica(id -> id.equals("n2")
                                ? () -> new NonNegativeCounter(v -> v >= 1000)
                                : NonNegativeCounter::new)
                        .configure(b -> b.httpPort(0))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 10; i++) {
                client.submit(add(1));
            }
            for (int i = 0; i < 4; i++) {
                client.query(NonNegativeCounter.get());
            }
            String leader = cluster.awaitLeader();
            cluster.awaitCaughtUp(Duration.ofSeconds(30));

            for (ReplicaServer r : cluster.replicas()) {
                String id = r.id();
                HttpResponse<String> metrics = get(r, "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type"))
                        .hasValue("text/plain; version=0.0.4; charset=utf-8");
                String text = metrics.body();
                assertThat(text)
                        .contains(
                                "# TYPE ratissm_apply_seconds summary",
                                "# TYPE ratissm_commands_total counter",
                                "# TYPE ratissm_query_seconds summary",
                                "# TYPE ratissm_snapshot_write_seconds summary",
                                "# TYPE ratissm_speculative_pending gauge");
                assertThat(sample(text, "ratissm_commands_total", id))
                        .as("commands applied on %s", id)
                        .isGreaterThanOrEqualTo(10);
                assertThat(sample(text, "ratissm_apply_seconds_count", id)).isGreaterThanOrEqualTo(1);
                assertThat(sample(text, "ratissm_healthy", id)).isEqualTo(1);
                assertThat(sample(text, "ratissm_replication_passive", id)).isEqualTo(0);
                assertThat(sample(text, "ratissm_leader", id)).isEqualTo(id.equals(leader) ? 1 : 0);
                if (id.equals(leader)) {
                    assertThat(sample(text, "ratissm_query_seconds_count", id))
                            .as("the leader answers reads")
                            .isGreaterThanOrEqualTo(1);
                }
                // Ratis's own metrics, under family names without the member id.
                assertThat(text)
                        .contains(
                                "# TYPE ratis_log_worker_flushTime_seconds summary",
                                "# TYPE ratis_server_clientWriteRequest_seconds summary",
                                "# TYPE ratis_state_machine_appliedIndex gauge");
                assertThat(sample(text, "ratis_state_machine_appliedIndex", id)).isGreaterThanOrEqualTo(10);
                assertThat(text.lines().filter(l -> !l.startsWith("#")))
                        .allSatisfy(l -> assertThat(l).contains("replica=\"" + id + "\""));
                // ... and only this replica's: several replicas share Ratis's JVM-wide registries here.
                assertThat(ratisRegistryOwners(r.metrics()))
                        .as("owners of the Ratis metrics of %s", id)
                        .containsExactly(id);

                HttpResponse<String> health = get(r, "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("OK\n");

                String status = get(r, "/status").body();
                assertThat(field(status, "id")).isEqualTo("\"" + id + "\"");
                assertThat(field(status, "role")).isEqualTo(id.equals(leader) ? "\"LEADER\"" : "\"FOLLOWER\"");
                assertThat(field(status, "leaderId")).isEqualTo("\"" + leader + "\"");
                assertThat(field(status, "term"))
                        .isEqualTo(Long.toString(cluster.replica(leader).term()));
                assertThat(Long.parseLong(field(status, "appliedIndex"))).isGreaterThanOrEqualTo(10);
                assertThat(Long.parseLong(field(status, "commitIndex")))
                        .isGreaterThanOrEqualTo(Long.parseLong(field(status, "appliedIndex")));
                assertThat(field(status, "replication")).isEqualTo("\"ACTIVE\"");
                assertThat(field(status, "healthy")).isEqualTo("true");

                assertThat(ManagementFactory.getPlatformMBeanServer()
                                .queryNames(new ObjectName("ratissm." + id + ":name=ratissm.apply,*"), null))
                        .as("JMX bean of %s's apply timer", id)
                        .hasSize(1);
            }
            assertThat(client.metrics().timer("ratissm.client.submit").getCount())
                    .isEqualTo(10);
            assertThat(client.metrics().timer("ratissm.client.query").getCount())
                    .isEqualTo(4);
            assertThat(client.metrics()
                            .histogram("ratissm.client.batch.commands")
                            .getCount())
                    .isBetween(1L, 10L);
            assertThat(client.metrics().counter("ratissm.client.rejected").getCount())
                    .isZero();

            ReplicaServer n2 = cluster.replica("n2");
            client.submit(add(1000));
            Awaits.await(
                    "n2 reports the fail-stop",
                    Duration.ofSeconds(10),
                    () -> !n2.health().healthy());

            HttpResponse<String> down = get(n2, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("simulated bug at value 1010", "applies nothing more");
            String status = get(n2, "/status").body();
            assertThat(field(status, "healthy")).isEqualTo("false");
            assertThat(field(status, "reason")).contains("simulated bug");
            assertThat(sample(get(n2, "/metrics").body(), "ratissm_healthy", "n2"))
                    .isZero();
            for (String other : List.of("n1", "n3")) {
                assertThat(get(cluster.replica(other), "/health").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aReplicaRestartedInTheSameJvmPublishesTheRatisMetricsOfItsNewDivision() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.httpPort(0))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(1));
            String follower = cluster.ids().stream()
                    .filter(id -> !id.equals(cluster.awaitLeader()))
                    .findFirst()
                    .orElseThrow();
            ReplicaServer before = cluster.replica(follower);
            Awaits.await(
                    follower + " publishes Ratis metrics",
                    Duration.ofSeconds(10),
                    () -> !ratisRegistryOwners(before.metrics()).isEmpty());

            cluster.kill(follower);
            assertThat(ratisRegistryOwners(before.metrics()))
                    .as("a stopped division's Ratis metrics")
                    .isEmpty();
            assertThat(ManagementFactory.getPlatformMBeanServer()
                            .queryNames(new ObjectName("ratissm." + follower + ":*"), null))
                    .isEmpty();

            client.submit(add(1));
            ReplicaServer after = cluster.restart(follower);
            cluster.awaitCaughtUp(Duration.ofSeconds(30));

            assertThat(after.metrics()).isNotSameAs(before.metrics());
            assertThat(ratisRegistryOwners(after.metrics())).containsExactly(follower);
            String text = get(after, "/metrics").body();
            assertThat(sample(text, "ratis_state_machine_appliedIndex", follower))
                    .isGreaterThanOrEqualTo(2);
            assertThat(sample(text, "ratissm_commands_total", follower)).isGreaterThanOrEqualTo(1);
            assertThat(ManagementFactory.getPlatformMBeanServer()
                            .queryNames(new ObjectName("ratissm." + follower + ":name=ratissm.apply,*"), null))
                    .hasSize(1);
            for (ReplicaServer r : cluster.replicas()) {
                assertThat(ratisRegistryOwners(r.metrics()))
                        .as("owners of %s's Ratis metrics", r.id())
                        .containsExactly(r.id());
            }
        }
    }

    @Test
    void aClientCountsTheRetriesALeaderFailureCosts() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                ReplicaClient client = cluster.newClient()) {
            String leader = cluster.awaitLeader();
            client.submit(add(1)); // the client learns the leader (its first guess may cost retries already)
            client.submit(add(1));
            long before = retries(client);

            cluster.kill(leader);
            client.submit(add(1));

            // The client still addressed the dead leader: it had to try again elsewhere.
            assertThat(retries(client)).isGreaterThan(before);
            assertThat(client.metrics().timer("ratissm.client.submit").getCount())
                    .isEqualTo(3);
            assertThat(client.metrics().getNames())
                    .as("Ratis's metrics of the client's connections")
                    .anyMatch(n -> n.startsWith("ratis.client_message_metrics."));
        }
    }

    private static long retries(ReplicaClient client) {
        return client.metrics().counter("ratissm.client.retries").getCount();
    }
}
