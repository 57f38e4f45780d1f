package io.ratissm.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of a TLS setup. Every problem is an {@link IllegalArgumentException} that names the file and
 * says what is wrong and how to fix it, because the alternative, a TLS handshake that fails later with an alert
 * code, does not say which of three files is at fault.
 */
final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** The key algorithms the JDK (and so Netty's TLS) reads from PKCS#8; tried in turn because PEM does not say. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "DSA");

    private static final String TO_PKCS8 = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    private PemFiles() {}

    /**
     * The certificates in a PEM file, in file order.
     *
     * @param role what the file is for, for the message ("certificate chain", "trusted certificates")
     */
    static List<X509Certificate> certificates(Path file, String role) {
        List<Block> blocks = blocks(file, role);
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory = x509();
        for (Block b : blocks) {
            if (!b.label.equals("CERTIFICATE")) {
                continue;
            }
            try {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(
                        role + " file " + file + ": certificate " + (certs.size() + 1) + " does not parse as X.509: "
                                + e.getMessage(),
                        e);
            }
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(role + " file " + file + " is not a PEM certificate file: it has no "
                    + "-----BEGIN CERTIFICATE----- block" + foundInstead(blocks));
        }
        return List.copyOf(certs);
    }

    /** The unencrypted PKCS#8 private key in a PEM file. */
    static PrivateKey privateKey(Path file) {
        String role = "private key";
        List<Block> blocks = blocks(file, role);
        for (Block b : blocks) {
            switch (b.label) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der);
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(role + " file " + file
                            + " is encrypted; ratis-sm needs an unencrypted PKCS#8 key (protect it with file "
                            + "permissions instead): " + TO_PKCS8);
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                case "DSA PRIVATE KEY":
                    throw new IllegalArgumentException(role + " file " + file + " holds a " + b.label
                            + " (PKCS#1/SEC1), not a PKCS#8 PRIVATE KEY; " + TO_PKCS8);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(role + " file " + file + " is not a PEM PKCS#8 private key: it has no "
                + "-----BEGIN PRIVATE KEY----- block" + foundInstead(blocks));
    }

    /**
     * Checks that {@code key} is the private half of the certificate's public key, by signing a challenge: a
     * mismatch otherwise shows up only as a handshake failure on the peer.
     */
    static void checkKeyMatches(PrivateKey key, Path keyFile, X509Certificate cert, Path certFile) {
        String mismatch = "the private key in " + keyFile + " does not belong to the first certificate in " + certFile
                + " (" + cert.getSubjectX500Principal() + ")";
        String certAlgorithm = cert.getPublicKey().getAlgorithm();
        if (!sameFamily(key.getAlgorithm(), certAlgorithm)) {
            throw new IllegalArgumentException(
                    mismatch + ": the key is " + key.getAlgorithm() + ", the certificate's key is " + certAlgorithm);
        }
        byte[] challenge = "ratis-sm key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(signatureAlgorithm(key.getAlgorithm()));
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm(key.getAlgorithm()));
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(mismatch + ": " + e.getMessage(), e);
        }
    }

    /** Checks that a certificate is valid now: an expired own certificate fails every handshake. */
    static void checkValidNow(X509Certificate cert, Path file) {
        try {
            cert.checkValidity(new Date());
        } catch (CertificateException e) {
            throw new IllegalArgumentException(
                    "certificate chain file " + file + ": the certificate "
                            + cert.getSubjectX500Principal() + " is valid only from " + cert.getNotBefore() + " to "
                            + cert.getNotAfter(),
                    e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next one
            }
        }
        throw new IllegalArgumentException("private key file " + file + " holds a PRIVATE KEY block that is not a "
                + "PKCS#8 " + String.join(", ", KEY_ALGORITHMS) + " key");
    }

    private static boolean sameFamily(String keyAlgorithm, String certAlgorithm) {
        return keyAlgorithm.equals(certAlgorithm) || isEdDsa(keyAlgorithm) && isEdDsa(certAlgorithm);
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> "EdDSA";
        };
    }

    private record Block(String label, byte[] der) {}

    private static List<Block> blocks(Path file, String role) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(role + " file " + file + " not found");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(role + " file " + file + " is not a readable file");
        }
        String text;
        try {
            // ISO-8859-1 decodes any bytes, so a binary (DER) file gets the "not PEM" message, not a charset error.
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(role + " file " + file + " cannot be read: " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        role + " file " + file + ": the " + m.group(1) + " block is not valid base64", e);
            }
        }
        return blocks;
    }

    private static String foundInstead(List<Block> blocks) {
        if (blocks.isEmpty()) {
            return " (is it PEM at all? A binary DER file must first be converted to PEM, e.g. with openssl)";
        }
        List<String> labels = blocks.stream().map(Block::label).distinct().toList();
        return " (it has " + String.join(", ", labels) + ")";
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    }
}
