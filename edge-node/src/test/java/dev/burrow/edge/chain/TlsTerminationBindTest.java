package dev.burrow.edge.chain;

import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyException;
import dev.burrow.protocol.ClientCertificates;
import dev.burrow.protocol.EndpointSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an endpoint's handshake asks of its visitors, from its bind's mutual_tls_cas or its policy's terminate-tls, and
 * the binds that cannot honour a terminate-tls (refused with the action's place, not ignored).
 */
class TlsTerminationBindTest {
    private static final String PLAIN_POLICY = "on_tcp_connect: [{actions: [{type: terminate-tls}]}]\n";

    @TempDir
    static Path pki;
    private static String ca;
    private static String requestPolicy;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = Files.readString(DevPki.ensure(pki, "localhost").caCert());
        requestPolicy = "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
                + "          mutual_tls_verification_strategy: request\n          mutual_tls_certificate_authorities: [\""
                + ca.strip().replace("\n", "\\n") + "\"]\n";
    }

    private final EndpointPolicies policies = new EndpointPolicies(new PolicyCompiler(PolicyEnvironment.local(null))::compile);

    @Test
    void thePolicysClientCertificatesWinAndTheBindsCasApplyWithoutThem() {
        ClientCertificates byPolicy = policies.clientCertificates(https(new EndpointSettings(false, requestPolicy)));
        assertEquals(ClientCertificates.Verification.REQUEST, byPolicy.verification());
        assertEquals(ca.strip(), byPolicy.certificateAuthorities().strip());
        ClientCertificates byBind = policies.clientCertificates(https(new EndpointSettings(false, PLAIN_POLICY, ca)));
        assertEquals(new ClientCertificates(ca, ClientCertificates.Verification.REQUIRE_AND_VERIFY), byBind);
        assertNull(policies.clientCertificates(https(EndpointSettings.DEFAULTS)));
    }

    @Test
    void anEndpointTheEdgeDoesNotTerminateOrWithCasInTwoPlacesIsRefusedAtBind() throws Exception {
        assertTrue(refusal(PLAIN_POLICY, EndpointProtocol.TCP, EndpointSettings.DEFAULTS)
                .contains("terminate-tls: applies to https:// endpoints only: the edge does not terminate TLS for a tcp endpoint"));
        assertTrue(refusal(PLAIN_POLICY, EndpointProtocol.TLS, EndpointSettings.DEFAULTS).contains("terminate at the agent with crt/key"));
        String twice = refusal(requestPolicy, EndpointProtocol.HTTPS, new EndpointSettings(false, requestPolicy, ca));
        assertTrue(twice.startsWith("traffic_policy:"), twice);
        assertTrue(twice.contains("already has mutual_tls_cas"), twice);
        policies.checkOffLoop(requestPolicy, EndpointProtocol.HTTP, EndpointSettings.DEFAULTS)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        policies.checkOffLoop(PLAIN_POLICY, EndpointProtocol.HTTPS, new EndpointSettings(false, PLAIN_POLICY, ca))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aServerCertificateIsCheckedAgainstItsKeyAtCompileAndAgainstTheEndpointsNameAtBind() throws Exception {
        java.security.cert.X509Certificate caCert = DevPki.readCertificate(pki.resolve(DevPki.CA_CERT));
        java.security.PrivateKey caKey = DevPki.readPrivateKey(pki.resolve(DevPki.CA_KEY));
        DevPki.Issued mine = DevPki.issue(caCert, caKey, java.util.List.of("secure.localhost"));
        DevPki.Issued theirs = DevPki.issue(caCert, caKey, java.util.List.of("victim.localhost"));
        String good = certificatePolicy(mine, mine);
        policies.checkOffLoop(good, EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS, "secure.localhost")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        policies.checkServerCertificate(https(new EndpointSettings(false, good)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(refusal(certificatePolicy(mine, theirs), EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS)
                .contains("terminate-tls: server_private_key is not the key of server_certificate"));
        String stolen = certificatePolicy(theirs, theirs);
        ExecutionException named = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> policies
                .checkServerCertificate(https(new EndpointSettings(false, stolen)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(named.getCause().getMessage().contains("server_certificate does not name secure.localhost (it names victim.localhost)"),
                named.getCause().getMessage());
        String updated = "";
        try {
            policies.checkOffLoop(stolen, EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS, "secure.localhost")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            updated = e.getCause().getMessage();
        }
        assertTrue(updated.contains("does not name secure.localhost"), "a policy update is checked against the name: " + updated);
    }

    /**
     * A policy CRL past its nextUpdate compiles (a node that learns the policy later must still apply it) but is refused
     * at bind and at a policy update, in one sentence. CRLs made by openssl (src/test/resources/revocation/README.md).
     */
    @Test
    void aPolicyCrlPastItsNextUpdateIsRefusedAtBindAndAFreshOneIsTaken() throws Exception {
        String expired = crlPolicy("expired.crl");
        new PolicyCompiler(PolicyEnvironment.local(null)).compile(expired, "traffic_policy").close();
        assertTrue(refusal(expired, EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS).endsWith("terminate-tls: mutual_tls_crls: "
                + "the CRL of CN=Fixture client CA expired at 2020-01-02T00:00:00Z (its nextUpdate); give a fresh one"),
                refusal(expired, EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS));
        String fresh = crlPolicy("fresh.crl");
        policies.checkOffLoop(fresh, EndpointProtocol.HTTPS, EndpointSettings.DEFAULTS, "secure.localhost")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(policies.clientCertificates(https(new EndpointSettings(false, fresh))).revocationLists()
                .contains("-----BEGIN X509 CRL-----"));
    }

    private static String crlPolicy(String crl) throws java.io.IOException {
        return "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
                + "          mutual_tls_certificate_authorities: [\"" + fixture("ca.crt").strip().replace("\n", "\\n") + "\"]\n"
                + "          mutual_tls_crls: [\"" + fixture(crl).strip().replace("\n", "\\n") + "\"]\n";
    }

    private static String fixture(String name) throws java.io.IOException {
        try (java.io.InputStream in = TlsTerminationBindTest.class.getResourceAsStream("/revocation/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String certificatePolicy(DevPki.Issued certificate, DevPki.Issued keyOf) throws java.io.IOException {
        return "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
                + "          server_certificate: \"" + DevPki.certificatePem(certificate.certificate()).replace("\n", "\\n") + "\"\n"
                + "          server_private_key: \"" + DevPki.privateKeyPem(keyOf.key()).replace("\n", "\\n") + "\"\n";
    }

    private String refusal(String document, EndpointProtocol protocol, EndpointSettings settings) throws Exception {
        try {
            policies.checkOffLoop(document, protocol, settings).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof PolicyException, String.valueOf(e.getCause()));
            return e.getCause().getMessage();
        }
        throw new AssertionError("bound, but should have been refused: " + protocol + " " + document);
    }

    private static Endpoint https(EndpointSettings settings) {
        return new Endpoint("ep_1", EndpointProtocol.HTTPS, "secure.localhost", 0, "s_1", "t:acme", EndpointState.ONLINE, settings);
    }
}
