package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.InvalidConfigException.Problem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica started from its configuration file, with the operations keys ({@code http.port}, {@code tls.*}) on. */
class ConfiguredReplicaTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A counter that fail-stops once it would reach 100. */
    private static final Map<String, Supplier<? extends StateMachine>> ALIASES =
            Map.of("counter", () -> new NonNegativeCounter(v -> v >= 100));

    @TempDir
    Path dir;

    @Test
    void aReplicaFromAConfigFileServesMetricsStatusAndHealthAndTurns503WhenItFailStops() throws Exception {
        int port = FreePorts.next();
        int httpPort = FreePorts.next();
        ReplicaConfig config = load("""
                id = n1
                peers = n1=127.0.0.1:%d
                storage = data/n1
                state-machine = counter
                election-timeout = 300ms
                http.port = %d
                """.formatted(port, httpPort));
        try (ReplicaServer server = config.serverBuilder().build().start();
                ReplicaClient client =
                        ReplicaClient.builder().peers("n1=127.0.0.1:" + port).build()) {
            assertThat(server.httpPort()).hasValue(httpPort);
            for (int i = 0; i < 5; i++) {
                client.submit(add(1));
            }

            HttpResponse<String> metrics = get(httpPort, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains(
                            "ratissm_commands_total{replica=\"n1\"} 5",
                            "# TYPE ratissm_apply_seconds summary",
                            "ratis_log_worker_flushTime_seconds",
                            "ratis_state_machine_appliedIndex{replica=\"n1\"}");
            String status = get(httpPort, "/status").body();
            assertThat(status).contains("\"id\":\"n1\"", "\"role\":\"LEADER\"", "\"leaderId\":\"n1\"");
            assertThat(get(httpPort, "/health").statusCode()).isEqualTo(200);

            assertThatThrownBy(() -> client.submit(add(1000))).isInstanceOf(RatisSmException.class);
            Awaits.await("/health reports the fail-stop", Duration.ofSeconds(10), () -> healthStatus(httpPort) == 503);
            assertThat(get(httpPort, "/health").body()).contains("simulated bug");
        }
    }

    @Test
    void tlsFromAConfigFileAdmitsTrustedClientsOnly() throws Exception {
        TestCertificates certs = TestCertificates.in(dir);
        TestCertificates.Identity n1 = certs.issue("n1");
        int port = FreePorts.next();
        ReplicaConfig config = load("""
                id = n1
                peers = n1=127.0.0.1:%d
                storage = data/n1
                state-machine = counter
                election-timeout = 300ms
                tls.cert = %s
                tls.key = %s
                tls.trust = %s
                """.formatted(port, n1.cert(), n1.key(), certs.trustedCa()));
        assertThat(config.tls()).isPresent();
        String peers = "n1=127.0.0.1:" + port;
        try (ReplicaServer server = config.serverBuilder().build().start();
                ReplicaClient trusted = ReplicaClient.builder()
                        .peers(peers)
                        .tls(certs.trustedTls("client"))
                        .build();
                ReplicaClient plaintext = ReplicaClient.builder()
                        .peers(peers)
                        .timeout(Duration.ofSeconds(2))
                        .build()) {
            assertThat(NonNegativeCounter.decode(trusted.submit(add(7)))).isEqualTo(7);
            assertThatThrownBy(() -> plaintext.submit(add(1))).isInstanceOf(UnavailableException.class);
            assertThat(NonNegativeCounter.decode(trusted.query(NonNegativeCounter.get())))
                    .as("the refused command had no effect")
                    .isEqualTo(7);
        }
    }

    @Test
    void aTlsFileThatIsNotPemIsNamedAndNothingIsWritten() throws IOException {
        TestCertificates certs = TestCertificates.in(dir);
        TestCertificates.Identity n1 = certs.issue("n1");
        Path notPem = Files.writeString(dir.resolve("cert.txt"), "hello\n");
        assertThatThrownBy(() -> load("""
                id = n1
                peers = n1=127.0.0.1:7001
                storage = data/n1
                state-machine = counter
                tls.cert = %s
                tls.key = %s
                tls.trust = %s
                """.formatted(notPem, n1.key(), certs.trustedCa())))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.BAD_VALUE);
                    assertThat(e.key()).contains("tls.cert");
                    assertThat(e.getMessage()).contains("tls.cert", notPem.toString());
                });
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private ReplicaConfig load(String text) throws IOException {
        return ReplicaConfig.load(Files.writeString(dir.resolve("n1.properties"), text), ALIASES);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int healthStatus(int port) {
        try {
            return get(port, "/health").statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
