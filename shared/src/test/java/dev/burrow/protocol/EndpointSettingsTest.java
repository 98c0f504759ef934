package dev.burrow.protocol;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointSettingsTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void mutualTlsCasTravelInTheBindOptionsAndSurviveTheOtherSettings() {
        EndpointSettings settings = EndpointSettings.DEFAULTS.withMutualTlsCas(PEM).withPooling(true).withTrafficPolicy("on_http_request: []");
        Map<String, String> options = settings.toOptions();
        assertEquals(PEM, options.get("mutual_tls_cas"));
        assertEquals(settings, EndpointSettings.fromOptions(options));
        assertTrue(EndpointSettings.fromOptions(options).hasMutualTls());
    }

    @Test
    void anOlderAgentsBindHasNoMutualTlsAndABlankBundleIsNone() {
        assertFalse(EndpointSettings.fromOptions(Map.of("pooling", "true")).hasMutualTls());
        assertFalse(EndpointSettings.DEFAULTS.withMutualTlsCas("  ").hasMutualTls());
        assertFalse(EndpointSettings.DEFAULTS.toOptions().containsKey("mutual_tls_cas"));
    }

    @Test
    void mutualTlsCrlsTravelBesideTheCasAndReachTheClientCertificates() {
        String crl = "-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n";
        EndpointSettings settings = EndpointSettings.DEFAULTS.withMutualTlsCas(PEM).withMutualTlsCrls(crl).withPooling(true);
        assertEquals(crl, settings.toOptions().get("mutual_tls_crls"));
        assertEquals(settings, EndpointSettings.fromOptions(settings.toOptions()));
        assertEquals(new ClientCertificates(PEM, ClientCertificates.Verification.REQUIRE_AND_VERIFY, crl), settings.clientCertificates());
        assertEquals(null, EndpointSettings.DEFAULTS.withMutualTlsCas(PEM).clientCertificates().revocationLists());
    }
}
