package io.ratissm.internal.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.security.TlsConf.CertificatesConf;
import org.apache.ratis.security.TlsConf.PrivateKeyConf;

/**
 * A replica's or client's TLS identity (certificate chain and private key) and the CAs it trusts, read and checked
 * once, and the Ratis {@link Parameters} that switch on mutual TLS with them.
 *
 * <p>The parsed keys, not the file paths, go to Ratis: what was validated is what is used, and a file that changes
 * later has no effect until restart.
 */
public record TlsCredentials(
        List<X509Certificate> certChain, PrivateKey privateKey, List<X509Certificate> trustedCerts) {

    public TlsCredentials {
        certChain = List.copyOf(certChain);
        trustedCerts = List.copyOf(trustedCerts);
    }

    /**
     * Reads and checks the three PEM files.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TlsCredentials load(Path certChain, Path privateKey, Path trustedCerts) {
        List<X509Certificate> chain = PemFiles.certificates(certChain, "certificate chain");
        PrivateKey key = PemFiles.privateKey(privateKey);
        PemFiles.checkKeyMatches(key, privateKey, chain.get(0), certChain);
        PemFiles.checkValidNow(chain.get(0), certChain);
        List<X509Certificate> trusted = PemFiles.certificates(trustedCerts, "trusted certificates");
        return new TlsCredentials(chain, key, trusted);
    }

    /**
     * Parameters for a {@code RaftServer} or {@code RaftClient} builder. The same mutual-TLS configuration goes to
     * all three Ratis gRPC channels: server (replica to replica, both directions), client and admin. ratis-sm
     * serves all three on one port, where the server one applies, but a client dials the client and admin ones,
     * and a raw property could split the ports: no channel may fall back to plaintext.
     */
    public Parameters ratisParameters() {
        GrpcTlsConfig conf = GrpcTlsConfig.newBuilder()
                .setName("ratis-sm")
                .setKeyCertificates(new CertificatesConf(certChain))
                .setPrivateKey(new PrivateKeyConf(privateKey))
                .setTrustCertificates(new CertificatesConf(trustedCerts))
                // Both ends present a certificate and verify the other's against the trusted CAs.
                .setMutualTls(true)
                .build();
        Parameters p = new Parameters();
        GrpcConfigKeys.Server.setTlsConf(p, conf);
        GrpcConfigKeys.Client.setTlsConf(p, conf);
        GrpcConfigKeys.Admin.setTlsConf(p, conf);
        return p;
    }

    @Override
    public String toString() {
        // Never print the key.
        return "TlsCredentials[" + certChain.get(0).getSubjectX500Principal() + ", trusting " + trustedCerts.size()
                + " certificate(s)]";
    }
}
