package dev.burrow.edge.link;

import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A bind's {@code mutual_tls_crls} (an SDK's, which no agent checked) is refused before anything is claimed: the binder
 * here has no registry at all. CRLs made by openssl (src/test/resources/revocation/README.md).
 */
class EndpointBinderRevocationListsTest {
    private final EndpointBinder binder = new EndpointBinder(null, null, "localhost", new PortRange(21000, 21001), () -> 80, null);

    @Test
    void anExpiredCrlACrlOfAnotherCaAndCrlsWithoutCasAreRefusedInOneSentence() throws Exception {
        String ca = fixture("ca.crt");
        assertRefused("mutual_tls_crls: the CRL of CN=Fixture client CA expired at 2020-01-02T00:00:00Z (its nextUpdate); "
                + "give a fresh one", EndpointSettings.DEFAULTS.withMutualTlsCas(ca).withMutualTlsCrls(fixture("expired.crl")));
        assertRefused("mutual_tls_crls: the CRL of CN=Fixture client CA is not from any of the mutual TLS CAs; give the CRLs "
                + "of those CAs only", EndpointSettings.DEFAULTS.withMutualTlsCas(fixture("alice.crt")).withMutualTlsCrls(fixture("fresh.crl")));
        assertRefused("mutual_tls_crls: needs the mutual TLS CAs (the CRLs are checked against them)",
                EndpointSettings.DEFAULTS.withMutualTlsCrls(fixture("fresh.crl")));
        assertRefused("mutual_tls_crls: no CRL in it (PEM -----BEGIN X509 CRL----- or DER)",
                EndpointSettings.DEFAULTS.withMutualTlsCas(ca).withMutualTlsCrls("garbage"));
    }

    private void assertRefused(String sentence, EndpointSettings settings) throws Exception {
        ControlMessage.BindResult result = binder.bind("s_1", Principal.configured("dev-token"), 1,
                        new ControlMessage.Bind(1, "https", "secure.localhost", null, 0, "127.0.0.1:1", settings.toOptions()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(result.ok(), result.toString());
        assertEquals(ErrorCode.INVALID_MUTUAL_TLS, result.errorCode());
        assertEquals(sentence, result.message());
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = EndpointBinderRevocationListsTest.class.getResourceAsStream("/revocation/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
