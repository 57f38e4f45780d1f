package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tls#fromPem} refuses bad files up front, naming the file and what is wrong with it. */
class TlsFilesTest {
    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static TestCertificates.Identity replica;

    @BeforeAll
    static void issue() {
        pki = TestCertificates.in(dir);
        replica = pki.issue("n1");
    }

    @Test
    void goodFilesAreAcceptedAndTheirPathsKept() {
        Tls tls = Tls.fromPem(replica.cert(), replica.key(), pki.trustedCa());

        assertThat(tls.certChain()).isEqualTo(replica.cert());
        assertThat(tls.privateKey()).isEqualTo(replica.key());
        assertThat(tls.trustedCerts()).isEqualTo(pki.trustedCa());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.crt");

        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), replica.key(), missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trusted certificates file " + missing + " not found");
    }

    @Test
    void aKeyGivenAsTheCertificateIsNotAPemCertificate() {
        assertThatThrownBy(() -> Tls.fromPem(replica.key(), replica.key(), pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate chain file " + replica.key() + " is not a PEM certificate file")
                .hasMessageContaining("PRIVATE KEY");
    }

    @Test
    void aBinaryFileIsNotPem() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01, 0x0a, 0x02});

        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), replica.key(), der))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trusted certificates file " + der + " is not a PEM certificate file")
                .hasMessageContaining("is it PEM at all?");
    }

    @Test
    void aCertificateGivenAsTheKeyIsNotAPkcs8PrivateKey() {
        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), replica.cert(), pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key file " + replica.cert() + " is not a PEM PKCS#8 private key");
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path pkcs1 = dir.resolve("pkcs1.key");
        TestCertificates.write(pkcs1, TestCertificates.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), pkcs1, pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pkcs1 + " holds a RSA PRIVATE KEY (PKCS#1/SEC1), not a PKCS#8 PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void anEncryptedKeyIsRefused() {
        Path encrypted = dir.resolve("encrypted.key");
        TestCertificates.write(encrypted, TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), encrypted, pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(encrypted + " is encrypted");
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefused() {
        TestCertificates.Identity other = pki.issue("n2");

        assertThatThrownBy(() -> Tls.fromPem(replica.cert(), other.key(), pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the private key in " + other.key() + " does not belong to the first "
                        + "certificate in " + replica.cert() + " (CN=n1)");
    }

    @Test
    void anExpiredCertificateIsRefused() {
        TestCertificates.Identity expired = pki.issueExpired("old");

        assertThatThrownBy(() -> Tls.fromPem(expired.cert(), expired.key(), pki.trustedCa()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate chain file " + expired.cert() + ": the certificate CN=old is "
                        + "valid only from");
    }
}
