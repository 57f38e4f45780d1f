package io.ratissm;

import io.ratissm.internal.tls.TlsCredentials;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS for a replica or a client: its own certificate and private key, and the CAs whose certificates it
 * accepts from the other side. Give it to {@link ReplicaServer.Builder#tls} and {@link ReplicaClient.Builder#tls}.
 *
 * <p>TLS is always mutual: every connection (replica to replica, client to replica) is encrypted, both ends present
 * a certificate, and each end refuses a peer whose certificate is not signed by one of its trusted CAs. A client
 * without such a certificate, or a plaintext one, cannot reach the group.
 *
 * <p>Peers are addressed by the host in their {@code id=host:port}, and the connecting side checks that the
 * replica's certificate names that host: a replica's certificate needs a subject alternative name for every address
 * it is reached at ({@code IP:127.0.0.1}, {@code DNS:node1.example}). A replica also connects to the other replicas
 * with its own certificate, so if its certificate restricts the extended key usage, it must allow both
 * {@code serverAuth} and {@code clientAuth}.
 *
 * <p>The files are read and checked once, by {@link #fromPem}; replacing them later has no effect on a running
 * replica or client, which keep the keys they were built with (restart to rotate certificates). Immutable.
 */
public final class Tls {
    private final Path certChain;
    private final Path privateKey;
    private final Path trustedCerts;
    private final TlsCredentials credentials;

    private Tls(Path certChain, Path privateKey, Path trustedCerts, TlsCredentials credentials) {
        this.certChain = certChain;
        this.privateKey = privateKey;
        this.trustedCerts = trustedCerts;
        this.credentials = credentials;
    }

    /**
     * Reads a TLS setup from three PEM files.
     *
     * @param certChain    this end's certificate, then any intermediate CA certificates ({@code BEGIN CERTIFICATE})
     * @param privateKey   the private key of the first certificate, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY};
     *                     RSA, EC or EdDSA)
     * @param trustedCerts the CA certificates whose signature makes the other side's certificate acceptable
     * @throws IllegalArgumentException naming the file and what is wrong: not found or unreadable, not a PEM
     *                                  certificate, not a PKCS#8 private key, a key that does not belong to the
     *                                  certificate, or a certificate that is expired or not yet valid
     */
    public static Tls fromPem(Path certChain, Path privateKey, Path trustedCerts) {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCerts, "trustedCerts");
        return new Tls(certChain, privateKey, trustedCerts, TlsCredentials.load(certChain, privateKey, trustedCerts));
    }

    /** The PEM certificate chain file this was read from. */
    public Path certChain() {
        return certChain;
    }

    /** The PEM PKCS#8 private key file this was read from. */
    public Path privateKey() {
        return privateKey;
    }

    /** The PEM trusted CA certificates file this was read from. */
    public Path trustedCerts() {
        return trustedCerts;
    }

    /** The keys as read, for the server and client builders. */
    TlsCredentials credentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "Tls[cert=" + certChain + ", key=" + privateKey + ", trust=" + trustedCerts + "]";
    }
}
