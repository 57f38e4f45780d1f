package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.internal.client.RaftClientFactory;
import io.ratissm.internal.tls.TlsCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every Ratis client of ratis-sm gets from the one factory. In this package for the throwaway PKI of
 * {@link TestCertificates}; no client here connects to anything.
 */
class RaftClientFactoryTest {
    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    @Test
    void theRequestTimeoutReachesRatis() {
        RaftClientFactory factory = new RaftClientFactory(Duration.ofMillis(2500), RetryPolicies.noRetry(), null);

        assertThat(RaftClientConfigKeys.Rpc.requestTimeout(factory.properties()).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(2500);
    }

    @Test
    void aTlsIdentityReachesEveryChannelAClientDials(@TempDir Path dir) {
        TlsCredentials tls = TestCertificates.in(dir).trustedTls("client").credentials();
        Parameters p = new RaftClientFactory(Duration.ofSeconds(3), RetryPolicies.noRetry(), tls).parameters();

        for (GrpcTlsConfig conf :
                new GrpcTlsConfig[] {GrpcConfigKeys.Client.tlsConf(p), GrpcConfigKeys.Admin.tlsConf(p)}) {
            assertThat(conf).isNotNull();
            assertThat(conf.isMutualTls()).isTrue();
            assertThat(conf.getKeyManager().getPrivateKey().get()).isSameAs(tls.privateKey());
            assertThat(conf.getKeyManager().getKeyCertificates().get()).containsExactlyElementsOf(tls.certChain());
            assertThat(conf.getTrustManager().getTrustCertificates().get())
                    .containsExactlyElementsOf(tls.trustedCerts());
        }
    }

    @Test
    void withoutTlsTheClientConnectsInPlaintext() {
        assertThat(new RaftClientFactory(Duration.ofSeconds(3), RetryPolicies.noRetry(), null).parameters())
                .isNull();
    }

    @Test
    void aClientKnowsItsGroupItsIdAndWhereToSendFirst() throws Exception {
        RaftPeer n1 =
                RaftPeer.newBuilder().setId("n1").setAddress("127.0.0.1:1").build();
        RaftPeer n2 =
                RaftPeer.newBuilder().setId("n2").setAddress("127.0.0.1:2").build();
        ClientId id = ClientId.randomId();
        RaftClientFactory factory = new RaftClientFactory(Duration.ofSeconds(3), RetryPolicies.noRetry(), null);

        try (RaftClient c = factory.newRaftClient(RaftGroup.valueOf(GROUP, n1, n2), id, n2.getId())) {
            assertThat(c.getId()).isEqualTo(id);
            assertThat(c.getGroupId()).isEqualTo(GROUP);
            assertThat(c.getLeaderId()).isEqualTo(n2.getId());
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("n1", "127.0.0.1:1");
        try (RaftClient c = factory.newRaftClient(GROUP, addresses)) {
            assertThat(c.getGroupId()).isEqualTo(GROUP);
            assertThat(c.getLeaderId()).as("the only replica given").isEqualTo(RaftPeerId.valueOf("n1"));
        }
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new RaftClientFactory(Duration.ZERO, RetryPolicies.noRetry(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
