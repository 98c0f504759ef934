package dev.burrow.edge.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevPkiTest {

    @TempDir
    Path dir;

    private static Set<String> sans(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1)))
                .map(name -> name.equals("0:0:0:0:0:0:0:1") ? "::1" : name).collect(Collectors.toSet());
    }

    @Test
    void caSignsAServerCertificateWithTheExpectedNames() throws Exception {
        DevPki pki = DevPki.ensure(dir, "tunnels.example.com");
        X509Certificate ca = DevPki.readCertificate(pki.caCert());
        X509Certificate server = DevPki.readCertificate(pki.serverCert());

        server.verify(ca.getPublicKey());
        ca.verify(ca.getPublicKey());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, server.getBasicConstraints(), "the server certificate is not a CA");
        assertEquals("EC", server.getPublicKey().getAlgorithm());
        assertEquals(Set.of("localhost", "*.localhost", "127.0.0.1", "::1", "tunnels.example.com", "*.tunnels.example.com"),
                sans(server));
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        DevPki.readPrivateKey(pki.serverKey());
    }

    @Test
    void theServerCertificateNamesTheNodesOwnAddressesAndIsReissuedWhenOneIsNew() throws Exception {
        DevPki first = DevPki.ensure(dir, "localhost", List.of("127.0.0.2"));
        assertTrue(sans(DevPki.readCertificate(first.serverCert())).contains("127.0.0.2"));
        String before = Files.readString(first.serverCert());

        DevPki same = DevPki.ensure(dir, "localhost", List.of("127.0.0.2", "0.0.0.0"));
        assertEquals(before, Files.readString(same.serverCert()), "no new name, no new certificate; the wildcard is never named");

        DevPki moved = DevPki.ensure(dir, "localhost", List.of("edge-2.internal"));
        Set<String> names = sans(DevPki.readCertificate(moved.serverCert()));
        assertTrue(names.contains("edge-2.internal"), names.toString());
        assertTrue(DevPki.readCertificate(moved.serverCert()).getSubjectAlternativeNames().stream()
                .anyMatch(san -> (Integer) san.get(0) == 2 && san.get(1).equals("edge-2.internal")), "a host name is a DNS name");
    }

    @Test
    void filesAreReusedAndKeysArePrivate() throws Exception {
        DevPki first = DevPki.ensure(dir, "localhost");
        String ca = Files.readString(first.caCert());
        String server = Files.readString(first.serverCert());
        DevPki second = DevPki.ensure(dir, "localhost");
        assertEquals(ca, Files.readString(second.caCert()));
        assertEquals(server, Files.readString(second.serverCert()));
        for (String secret : List.of(DevPki.CA_KEY, DevPki.SERVER_KEY)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))));
        }
    }

    @Test
    void serverCertificateIsReissuedForANewDomainWithTheSameCa() throws Exception {
        DevPki first = DevPki.ensure(dir, "localhost");
        String ca = Files.readString(first.caCert());
        String server = Files.readString(first.serverCert());
        DevPki second = DevPki.ensure(dir, "other.example");
        assertEquals(ca, Files.readString(second.caCert()));
        assertNotEquals(server, Files.readString(second.serverCert()));
        assertTrue(sans(DevPki.readCertificate(second.serverCert())).contains("*.other.example"));
    }

    @Test
    void devAuthtokenIsLongRandomPrivateAndStable() throws Exception {
        String token = DevAuthtoken.loadOrCreate(dir);
        assertTrue(token.matches("[A-Za-z0-9_-]{43,}"), "256 bits, base64url");
        assertEquals(token, DevAuthtoken.loadOrCreate(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DevAuthtoken.FILE_NAME))));
    }

    @Test
    void tokenVerifierAcceptsOnlyConfiguredTokens() {
        TokenVerifier verifier = new TokenVerifier(List.of("alpha-token", "beta-token"));
        assertEquals(TokenVerifier.ownerKey("beta-token"), verifier.verify("beta-token").orElseThrow());
        assertTrue(verifier.verify("gamma-token").isEmpty());
        assertTrue(verifier.verify(null).isEmpty());
        assertTrue(!TokenVerifier.ownerKey("alpha-token").contains("alpha"));
    }
}
