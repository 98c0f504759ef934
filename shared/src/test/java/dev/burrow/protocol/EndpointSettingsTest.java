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
}
