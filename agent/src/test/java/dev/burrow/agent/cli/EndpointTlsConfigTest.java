package dev.burrow.agent.cli;

import dev.burrow.agent.forward.UpstreamTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file's TLS keys of an endpoint, read as their flags are: files relative to the file, checked at load. */
class EndpointTlsConfigTest {
    private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static final String PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    @Test
    void mutualTlsCasCrtKeyAndTheUpstreamsTlsChecksAreReadRelativeToTheFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/clients.pem"), PEM_CERTIFICATE);
        Files.writeString(dir.resolve("tls/db.crt"), PEM_CERTIFICATE);
        Files.writeString(dir.resolve("tls/db.key"), PEM_KEY);
        Files.writeString(dir.resolve("tls/upstream-ca.pem"), PEM_CERTIFICATE);
        ConfigFile config = ConfigFile.load(List.of(ConfigFileTest.write(dir, "burrow.yml", """
                version: 1
                endpoints:
                  - name: secure
                    url: https://secure.localhost
                    upstream: 3000
                    mutual_tls_cas: tls/clients.pem
                  - name: db
                    url: tls://db.localhost
                    upstream: 5432
                    crt: tls/db.crt
                    key: tls/db.key
                  - name: private
                    upstream: {url: "https://localhost:3443", tls_verify_cas: tls/upstream-ca.pem}
                  - name: local
                    upstream: {url: "https://localhost:3443", tls_verify: false}
                """)), true);
        assertEquals(PEM_CERTIFICATE, config.endpoints().get("secure").tls().mutualTlsCas());
        EndpointTls db = config.endpoints().get("db").tls();
        assertEquals(dir.resolve("tls/db.crt"), db.crt());
        assertEquals(dir.resolve("tls/db.key"), db.key());
        assertEquals(new UpstreamTls(true, dir.resolve("tls/upstream-ca.pem")), config.endpoints().get("private").upstreamTls());
        assertEquals(new UpstreamTls(false, null), config.endpoints().get("local").upstreamTls());
        assertEquals(UpstreamTls.defaults(), config.endpoints().get("secure").upstreamTls());
        assertTrue(db.terminatesAtAgent());
        assertNull(config.endpoints().get("secure").tls().crt());
    }

    @Test
    void aKeyForAnotherKindOfEndpointAMissingFileOrAHalfPairIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("db.crt"), PEM_CERTIFICATE);
        Path file = ConfigFileTest.write(dir, "bad.yml", """
                version: 1
                endpoints:
                  - name: ssh
                    url: tcp://:20022
                    upstream: 22
                    mutual_tls_cas: clients.pem
                  - name: db
                    url: tls://db.localhost
                    upstream: 5432
                    crt: db.crt
                  - name: web
                    upstream: 3000
                    crt: db.crt
                  - name: missing
                    upstream: 3000
                    mutual_tls_cas: nowhere.pem
                  - name: both
                    upstream: {url: "https://localhost:3443", tls_verify: false, tls_verify_cas: db.crt}
                  - name: raw
                    url: tls://raw.localhost
                    upstream: {url: "5432", tls_verify: false}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(file), true));
        List<String> lines = e.problems().stream().map(ConfigProblem::toString).toList();
        assertContains(lines, file + ":6: endpoint \"ssh\": mutual_tls_cas applies to HTTP endpoints only; delete it");
        assertContains(lines, file + ":10: endpoint \"db\": give both crt and key");
        assertContains(lines, file + ":13: endpoint \"web\": crt applies to TLS endpoints");
        assertContains(lines, file + ":16: endpoint \"missing\": mutual_tls_cas " + dir.resolve("nowhere.pem") + ": cannot read it");
        assertContains(lines, file + ":18: endpoint \"both\": upstream.tls_verify_cas has no effect with tls_verify: false");
        assertContains(lines, file + ":21: endpoint \"raw\": upstream.tls_verify applies to HTTP endpoints only");
        assertEquals(6, lines.size(), String.join("\n", lines));
    }

    private static void assertContains(List<String> lines, String start) {
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(start)), "no line starts with\n  " + start + "\nin\n  " + String.join("\n  ", lines));
    }
}
