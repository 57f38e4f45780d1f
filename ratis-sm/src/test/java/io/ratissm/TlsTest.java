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
        cluster = LocalCluster.builder()
                .stateMachine(NonNegativeCounter::new)
                .tls(pki.trustedTls("replica"), pki.trustedTls("client"))
                .start();
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
            assertThat(decode(trusted.queryStale(get(), id)))
                    .as("counter on %s", id)
                    .isEqualTo(before + 7);
        }
    }

    @Test
    void aClientWithACertificateFromAnUntrustedCaIsRefusedAndItsCommandIsNotApplied() throws Exception {
        long before = decode(trusted.query(get()));

        try (ReplicaClient intruder = ReplicaClient.builder()
                .peers(cluster.peers())
                .tls(pki.untrustedTls("intruder"))
                .timeout(REFUSAL_TIMEOUT)
                .build()) {
            assertThatThrownBy(() -> intruder.submit(add(100)))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("TLS handshake failed");
        }

        assertThat(decode(trusted.submit(add(1))))
                .as("only the trusted client's command was applied")
                .isEqualTo(before + 1);
    }

    @Test
    void aPlaintextClientIsRefusedByATlsGroup() throws Exception {
        long before = decode(trusted.query(get()));

        try (ReplicaClient plaintext = ReplicaClient.builder()
                .peers(cluster.peers())
                .timeout(REFUSAL_TIMEOUT)
                .build()) {
            assertThatThrownBy(() -> plaintext.submit(add(100)))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("the group may require TLS: this client connects in plaintext")
                    .hasMessageContaining("--tls-cert");
        }

        assertThat(decode(trusted.submit(add(1))))
                .as("only the trusted client's command was applied")
                .isEqualTo(before + 1);
    }

    @Test
    void aPlaintextClientOfAGroupThatIsDownIsNotToldAboutTls() throws Exception {
        int closedPort = FreePorts.next();
        try (ReplicaClient plaintext = ReplicaClient.builder()
                .peers("n1=127.0.0.1:" + closedPort)
                .timeout(REFUSAL_TIMEOUT)
                .build()) {
            assertThatThrownBy(() -> plaintext.submit(add(1)))
                    .isInstanceOf(ConnectionRefusedException.class)
                    .hasMessageContaining("refused the connection")
                    .hasMessageNotContaining("TLS");
        }
    }

    @Test
    void aReplicaRestartedBehindThePurgedLogRejoinsByInstallingASnapshotOverTls() throws Exception {
        try (LocalCluster small = LocalCluster.builder()
                        .stateMachine(NonNegativeCounter::new)
                        .tls(pki.trustedTls("replica"), pki.trustedTls("client"))
                        .configure(b -> b.snapshotEvery(20).logSegmentBytes(1024))
                        .start();
                ReplicaClient client = small.newClient()) {
            String leaderId = small.awaitLeader();
            String followerId = small.ids().stream()
                    .filter(id -> !id.equals(leaderId))
                    .findFirst()
                    .orElseThrow();
            client.submit(add(1));
            small.awaitCaughtUp(Duration.ofSeconds(10));
            long followerLastIndex = small.replica(followerId).lastLogIndex();
            small.kill(followerId);

            for (int i = 0; i < 150; i++) {
                client.submit(add(1));
            }
            ReplicaServer leader = small.replica(small.awaitLeader());
            Awaits.await(
                    "the leader purges the log past what the follower has",
                    Duration.ofSeconds(30),
                    () -> leader.firstLogIndex() > followerLastIndex + 1);

            ReplicaServer follower = small.restart(followerId);

            small.awaitCaughtUp(Duration.ofSeconds(30));
            assertThat(follower.latestSnapshotIndex())
                    .as("the follower installed a snapshot from the leader")
                    .isGreaterThan(followerLastIndex + 1);
            assertThat(decode(client.queryStale(get(), followerId))).isEqualTo(151);
        }
    }

    @Test
    void aReplicaWithAnUntrustedCertificateCannotMakeAMajority() throws Exception {
        try (LocalCluster group = LocalCluster.builder()
                        .stateMachine(NonNegativeCounter::new)
                        .tls(pki.trustedTls("replica"), pki.trustedTls("client"))
                        .start();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(group.peers())
                        .tls(pki.trustedTls("client"))
                        .timeout(REFUSAL_TIMEOUT)
                        .build()) {
            assertThat(decode(client.submit(add(1)))).isEqualTo(1);
            group.kill("n3");
            group.kill("n1");

            // n2 and an n3 that the others do not trust: a majority only if TLS let the impostor in.
            try (ReplicaServer impostor = ReplicaServer.builder()
                    .id("n3")
                    .peers(group.peers())
                    .storage(group.storage("n3"))
                    .stateMachine(NonNegativeCounter::new)
                    .tls(pki.untrustedTls("impostor"))
                    .build()
                    .start()) {
                assertThatThrownBy(() -> client.submit(add(1))).isInstanceOf(UnavailableException.class);
            }

            group.restart("n3");
            group.awaitLeader();
            try (ReplicaClient patient = group.newClient()) {
                assertThat(decode(patient.query(get())))
                        .as("the group serves again with the real n3")
                        .isPositive();
            }
        }
    }

    @Test
    void aReplicaWhoseCertificateDoesNotNameItsAddressIsRefusedByClients() throws Exception {
        Tls nameless = pki.tls(pki.issueWithoutAddresses("nameless"));
        try (LocalCluster single = LocalCluster.builder()
                        .replicas(1)
                        .stateMachine(NonNegativeCounter::new)
                        .tls(nameless, pki.trustedTls("client"))
                        .start();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(single.peers())
                        .tls(pki.trustedTls("client"))
                        .timeout(REFUSAL_TIMEOUT)
                        .build()) {
            // gRPC checks the dialled host (127.0.0.1) against the certificate's subject alternative names.
            assertThatThrownBy(() -> client.submit(add(1)))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("TLS handshake failed: No subject alternative names present");
        }
    }
}
