package io.ratissm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for TLS tests, made at runtime in a directory (no key material in git): a trusted CA and an
 * untrusted one, each issuing EC P-256 certificates as PEM files (certificate, PKCS#8 key). Leaf certificates name
 * {@code IP:127.0.0.1} and {@code DNS:localhost}, the addresses {@link LocalCluster} replicas are dialled at,
 * because the connecting side verifies the replica's address against them.
 */
final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key on disk. */
    record Identity(Path cert, Path key) {}

    private record Authority(X500Name name, KeyPair keys, Path certFile) {}

    private final Path dir;
    private final Authority trusted;
    private final Authority untrusted;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.trusted = authority("trusted-ca");
        this.untrusted = authority("untrusted-ca");
    }

    static TestCertificates in(Path dir) {
        return new TestCertificates(dir);
    }

    /** The PEM file of the CA whose certificates the replicas and clients trust. */
    Path trustedCa() {
        return trusted.certFile;
    }

    /** A certificate for {@code name} from the trusted CA, valid for the loopback addresses. */
    Identity issue(String name) {
        return issue(name, trusted, true, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
    }

    /** Mutual TLS with a certificate from the trusted CA, trusting that CA. */
    Tls trustedTls(String name) {
        return tls(issue(name));
    }

    /** Mutual TLS with a certificate from the untrusted CA, though trusting the replicas' CA itself. */
    Tls untrustedTls(String name) {
        return tls(issue(name, untrusted, true, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1)));
    }

    /** A certificate from the trusted CA that names no address (no subject alternative names). */
    Identity issueWithoutAddresses(String name) {
        return issue(name, trusted, false, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
    }

    /** A certificate from the trusted CA that expired a day ago. */
    Identity issueExpired(String name) {
        return issue(name, trusted, true, Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1));
    }

    Tls tls(Identity identity) {
        return Tls.fromPem(identity.cert(), identity.key(), trustedCa());
    }

    private Authority authority(String name) {
        KeyPair keys = newKeyPair();
        X500Name x500 = new X500Name("CN=" + name);
        X509Certificate cert = sign(
                new JcaX509v3CertificateBuilder(
                        x500,
                        serial(),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(1))),
                        x500,
                        keys.getPublic()),
                keys.getPrivate(),
                true,
                false);
        Path file = dir.resolve(name + ".crt");
        write(file, pem("CERTIFICATE", encoded(cert)));
        return new Authority(x500, keys, file);
    }

    private Identity issue(String name, Authority issuer, boolean withAddresses, Instant notBefore, Duration valid) {
        KeyPair keys = newKeyPair();
        X509Certificate cert = sign(
                new JcaX509v3CertificateBuilder(
                        issuer.name,
                        serial(),
                        Date.from(notBefore),
                        Date.from(notBefore.plus(valid)),
                        new X500Name("CN=" + name),
                        keys.getPublic()),
                issuer.keys.getPrivate(),
                false,
                withAddresses);
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        // The chain is the leaf alone: the CAs issue directly, and a peer trusts the root.
        write(certFile, pem("CERTIFICATE", encoded(cert)));
        write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        return new Identity(certFile, keyFile);
    }

    private static X509Certificate sign(
            JcaX509v3CertificateBuilder builder, PrivateKey issuerKey, boolean ca, boolean withAddresses) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            if (withAddresses) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")
                }));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
