package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static io.ratissm.NonNegativeCounter.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS: with TLS on, a group replicates and serves reads as without it, and it refuses every client that
 * has no certificate from a CA the replicas trust.
 */
class TlsTest {
    /** Refusals surface at the client's timeout (it retries, as for any unreachable group): keep it short. */
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path certs;
    private static TestCertificates pki;
    private static LocalCluster cluster;
    private static ReplicaClient trusted;

    @BeforeAll
    static void startTlsGroup() throws Exception {
        pki = TestCertificates.in(certs);
        cluster = LocalCluster.builder().stateMachine(NonNegativeCounter::new)
                .tls(pki.trustedTls("replica"), pki.trustedTls("client")).start();
        trusted = cluster.newClient();
    }

    @AfterAll
    static void stopTlsGroup() {
        if (trusted != null) {
            trusted.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withTlsOnTheGroupAppliesCommandsAndAnswersLinearizableAndLocalReads() throws Exception {
        long before = decode(trusted.query(get()));

        assertThat(decode(trusted.submit(add(5)))).isEqualTo(before + 5);
        assertThat(decode(trusted.submit(add(2)))).isEqualTo(before + 7);

        assertThat(decode(trusted.query(get()))).isEqualTo(before + 7);
        cluster.awaitCaughtUp(Duration.ofSeconds(10));
        for (String id : cluster.ids()) {
            assertThat(decode(trusted.queryStale(get(), id))).as("counter on %s", id).isEqualTo(before + 7);
        }
    }

    @Test
    void aClientWithACertificateFromAnUntrustedCaIsRefusedAndItsCommandIsNotApplied() throws Exception {
        long before = decode(trusted.query(get()));

        try (ReplicaClient intruder = ReplicaClient.builder().peers(cluster.peers())
                .tls(pki.untrustedTls("intruder")).timeout(REFUSAL_TIMEOUT).build()) {
            assertThatThrownBy(() -> intruder.submit(add(100)))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("TLS handshake failed");
        }

        assertThat(decode(trusted.submit(add(1)))).as("only the trusted client's command was applied")
                .isEqualTo(before + 1);
    }

    @Test
    void aPlaintextClientIsRefusedByATlsGroup() throws Exception {
        long before = decode(trusted.query(get()));

        try (ReplicaClient plaintext = ReplicaClient.builder().peers(cluster.peers())
                .timeout(REFUSAL_TIMEOUT).build()) {
            assertThatThrownBy(() -> plaintext.submit(add(100))).isInstanceOf(UnavailableException.class);
        }

        assertThat(decode(trusted.submit(add(1)))).as("only the trusted client's command was applied")
                .isEqualTo(before + 1);
    }
}
