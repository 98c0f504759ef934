package dev.burrow.policy;

import dev.burrow.protocol.ClientCertificates;
import dev.burrow.protocol.RevocationLists;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** terminate-tls: what the edge's handshake is told, and what Burrow refuses by name rather than ignore. */
class TerminateTlsActionTest {
    /** A self-signed EC CA (openssl req -x509), only ever parsed here. */
    private static final String CA = """
            -----BEGIN CERTIFICATE-----
            MIIBmDCCAT2gAwIBAgIUd6raF6rWI9HTeoq/ggiX3otrZCswCgYIKoZIzj0EAwIw
            IDEeMBwGA1UEAwwVUG9saWN5IHRlc3QgY2xpZW50IENBMCAXDTI2MTIwNzE0MzUy
            OVoYDzIxMjYxMTEzMTQzNTI5WjAgMR4wHAYDVQQDDBVQb2xpY3kgdGVzdCBjbGll
            bnQgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAStGfUnmGos6iQWTAfh/EqG
            WOIO72rPBicMKlnI89cvkPgdjRhO9tWmUYqX+L21SGVwgSGiFPo3JeHSwtNACKip
            o1MwUTAdBgNVHQ4EFgQUssDxuiHE7KhE7d3MRFjk+I0EOy0wHwYDVR0jBBgwFoAU
            ssDxuiHE7KhE7d3MRFjk+I0EOy0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
            AgNJADBGAiEAraNdViaUGMHUpgFPp9slSNaFPPFhheTkRmLXr77wZCQCIQDqzuow
            5cr7aiWsb+LEHwJXnRsbThCdv1iSDqrXUj6PPA==
            -----END CERTIFICATE-----
            """;

    private final PolicyHarness harness = new PolicyHarness();

    @Test
    void theCertificateAuthoritiesAndTheStrategyAreFixedAtCompileTime() throws PolicyException {
        TlsTermination verified = harness.compile(policy("")).tlsTermination();
        assertEquals(ClientCertificates.Verification.REQUIRE_AND_VERIFY, verified.clientCertificates().verification());
        assertEquals(CA.strip(), verified.clientCertificates().certificateAuthorities().strip());
        assertEquals(ClientCertificates.Verification.REQUEST,
                harness.compile(policy("mutual_tls_verification_strategy: request")).tlsTermination().clientCertificates().verification());
        TlsTermination any = harness.compile("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config: {mutual_tls_verification_strategy: require-any, min_version: "1.2", max_version: "1.3"}
                """).tlsTermination();
        assertEquals(new ClientCertificates(null, ClientCertificates.Verification.REQUIRE_ANY), any.clientCertificates());
    }

    @Test
    void withoutClientCertificateSettingsItChangesNothingAndLetsThePhaseGoOn() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                      - type: deny
                """);
        assertNull(policy.tlsTermination().clientCertificates());
        assertTrue(policy.onTcpConnect(PolicyHarness.client("192.0.2.1")).result() instanceof Verdict.Close,
                "terminate-tls continues to the next action");
        assertNull(harness.compile("on_http_request: [{actions: [{type: deny}]}]").tlsTermination());
    }

    @Test
    void whatBurrowCannotHonourIsRefusedByName() {
        for (String[] refused : List.of(
                new String[]{"server_certificate: x", "server_certificate: needs server_private_key"},
                new String[]{"server_private_key: x", "server_private_key: needs server_certificate"},
                new String[]{"server_certificate: x\n          server_private_key: y",
                        "server_certificate: must be PEM text (-----BEGIN CERTIFICATE-----)"},
                new String[]{"min_version: \"1.0\"", "must be 1.2 or 1.3, not '1.0': Burrow does not serve TLS 1.0 or 1.1"},
                new String[]{"max_version: \"1.1\"", "must be 1.2 or 1.3, not '1.1': Burrow does not serve TLS 1.0 or 1.1"},
                new String[]{"max_version: \"2\"", "must be 1.2 or 1.3, not '2'"},
                new String[]{"min_version: \"1.3\"\n          max_version: \"1.2\"", "1.3 is above max_version 1.2"},
                new String[]{"mutual_tls_verification_strategy: verify-if-given", "is not one of require-and-verify, request, require-any"},
                new String[]{"mutual_tls_verification_strategy: require-any", "is not checked under require-any"})) {
            PolicyException e = PolicyHarness.refusal(policy(refused[0]));
            assertTrue(e.getMessage().contains(refused[1]), refused[0] + ": " + e.getMessage());
        }
        assertTrue(PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config: {mutual_tls_certificate_authorities: ["ca_2Vq0bWmrhGv8b9mUWDvD9DVTk4K"]}
                """).getMessage().contains("certificate authority ids are not supported"));
        assertTrue(PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config: {mutual_tls_certificate_authorities: ["${vars.ca}"]}
                """).getMessage().contains("${} is not supported here"));
        assertTrue(PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config: {mutual_tls_verification_strategy: request}
                """).getMessage().contains("request needs mutual_tls_certificate_authorities"));
    }

    @Test
    void theVersionsAreFixedAtCompileTime() throws PolicyException {
        assertEquals(TlsTermination.TlsVersions.TLS_1_2_AND_1_3, harness.compile(policy("")).tlsTermination().versions());
        assertEquals(TlsTermination.TlsVersions.TLS_1_3_ONLY,
                harness.compile(policy("min_version: \"1.3\"")).tlsTermination().versions());
        assertEquals(TlsTermination.TlsVersions.TLS_1_2_ONLY,
                harness.compile(policy("max_version: \"1.2\"")).tlsTermination().versions());
        assertEquals(java.util.Set.of("TLSv1.3"), TlsTermination.TlsVersions.TLS_1_3_ONLY.protocols());
    }

    /** The chain is read here; the key, whether it matches and the names are the edge's to check at bind. */
    @Test
    void aServerCertificateAndItsKeyAreTakenAsPemText() throws PolicyException {
        String key = "-----BEGIN PRIVATE KEY-----\nMEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCA=\n-----END PRIVATE KEY-----";
        StringBuilder yaml = new StringBuilder("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config:
                          server_certificate: |
                """);
        CA.lines().forEach(line -> yaml.append("              ").append(line).append('\n'));
        yaml.append("          server_private_key: |\n");
        key.lines().forEach(line -> yaml.append("              ").append(line).append('\n'));
        TlsTermination termination = harness.compile(yaml.toString()).tlsTermination();
        assertEquals(CA.strip() + "\n", termination.serverCertificate().chainPem());
        assertEquals(key + "\n", termination.serverCertificate().keyPem());
        assertNull(termination.clientCertificates());
        assertTrue(termination.serverCertificate().toString().contains("HIDDEN"), "the key is never printed");

        String garbage = yaml.toString().replace("MIIBmDCCAT2gAwIBAgIU", "not!base64");
        assertTrue(PolicyHarness.refusal(garbage).getMessage().contains("server_certificate: not a readable PEM certificate chain"),
                PolicyHarness.refusal(garbage).getMessage());
    }

    @Test
    void itRunsOnlyBeforeAnyExpressionOnceAndInTheConnectPhase() {
        PolicyException withExpression = PolicyHarness.refusal("""
                on_tcp_connect:
                  - name: office
                    expressions: ["conn.client_ip == '192.0.2.1'"]
                    actions: [{type: terminate-tls}]
                """);
        assertTrue(withExpression.getMessage().contains("the rule office has expressions"), withExpression.getMessage());
        assertTrue(PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions: [{type: terminate-tls}]
                  - actions: [{type: terminate-tls}]
                """).getMessage().contains("at most one terminate-tls"));
        assertTrue(PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: terminate-tls}]
                """).getMessage().contains("cannot run in on_http_request"));
    }

    /** CRLs made by openssl (src/test/resources/revocation/README.md); the date is the edge's to check, at bind. */
    @Test
    void crlsOfTheCasAreReadAtCompileTimeAndCarriedAsPem() throws Exception {
        ClientCertificates clients = harness.compile(crlPolicy("ca.crt", "fresh.crl", "expired.crl")).tlsTermination().clientCertificates();
        assertEquals(2, RevocationLists.read(clients.revocationLists()).size());
        assertEquals(fixture("ca.crt").strip(), clients.certificateAuthorities().strip());
        assertNull(harness.compile(policy("")).tlsTermination().clientCertificates().revocationLists());
    }

    @Test
    void crlsOfAnotherCaGarbageAndCrlsWithoutCasAreRefused() throws Exception {
        PolicyException other = PolicyHarness.refusal(crlPolicy("ca.crt", "other.crl"));
        assertTrue(other.getMessage().contains("terminate-tls: mutual_tls_crls: the CRL of CN=Fixture other CA is not from "
                + "any of the mutual TLS CAs"), other.getMessage());
        String garbage = crlPolicy("ca.crt", "fresh.crl").replace("CRL-----\n              MI", "CRL-----\n              MIxyz");
        assertTrue(PolicyHarness.refusal(garbage).getMessage().contains("mutual_tls_crls: not a readable CRL"),
                PolicyHarness.refusal(garbage).getMessage());
        assertTrue(PolicyHarness.refusal(policy("mutual_tls_crls: [\"hello\"]")).getMessage().contains("mutual_tls_crls: no CRL in it"));
        assertTrue(PolicyHarness.refusal(policy("mutual_tls_crls: [\"${vars.crl}\"]")).getMessage().contains("${} is not supported here"));
        PolicyException withoutCas = PolicyHarness.refusal(crlPolicy(null, "fresh.crl"));
        assertTrue(withoutCas.getMessage().contains("mutual_tls_crls: needs mutual_tls_certificate_authorities"), withoutCas.getMessage());
    }

    /** A terminate-tls whose CAs are the fixture {@code cas} (none: null) and whose CRLs are the fixtures {@code crls}. */
    private static String crlPolicy(String cas, String... crls) throws IOException {
        StringBuilder yaml = new StringBuilder("on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n");
        if (cas != null) {
            yaml.append("          mutual_tls_certificate_authorities:\n");
            block(yaml, fixture(cas));
        }
        yaml.append("          mutual_tls_crls:\n");
        for (String crl : crls) {
            block(yaml, fixture(crl));
        }
        return yaml.toString();
    }

    private static void block(StringBuilder yaml, String pem) {
        yaml.append("            - |\n");
        pem.lines().forEach(line -> yaml.append("              ").append(line).append('\n'));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = TerminateTlsActionTest.class.getResourceAsStream("/revocation/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String policy(String extraConfig) {
        StringBuilder yaml = new StringBuilder("""
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config:
                          mutual_tls_certificate_authorities:
                            - |
                """);
        CA.lines().forEach(line -> yaml.append("                  ").append(line).append('\n'));
        if (!extraConfig.isEmpty()) {
            yaml.append("          ").append(extraConfig).append('\n');
        }
        return yaml.toString();
    }
}
