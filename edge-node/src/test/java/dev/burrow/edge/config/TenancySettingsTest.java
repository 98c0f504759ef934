package dev.burrow.edge.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tenancy flags: defaults, flags over environment, precise refusals, a password that never prints. */
class TenancySettingsTest {
    @Test
    void defaultsAreAnEmbeddedStoreAndNoOpenIdProvider() {
        TenancySettings settings = ConfigResolver.resolveTenancy(Map.of(), Map.of(), null);
        assertNull(settings.store().url());
        assertTrue(settings.store().effectiveUrl(java.nio.file.Path.of("/data")).startsWith("jdbc:h2:file:/data/tenancy"));
        assertNull(settings.oidcIssuer());
        assertEquals("burrow", settings.oidcAudience());
        assertEquals("dns", settings.domainVerifier());
    }

    @Test
    void flagsBeatTheEnvironment() {
        TenancySettings settings = ConfigResolver.resolveTenancy(
                Map.of(ConfigKey.DB_URL, List.of("jdbc:postgresql://db:5432/burrow"), ConfigKey.OIDC_ISSUER, List.of("https://idp.example.com")),
                Map.of("BURROW_DB_URL", "jdbc:postgresql://other/x", "BURROW_DB_USER", "burrow", "BURROW_DB_PASSWORD", "s3cret",
                        "BURROW_OIDC_AUDIENCE", "https://burrow.example.com"), null);
        assertEquals("jdbc:postgresql://db:5432/burrow", settings.store().url());
        assertEquals("burrow", settings.store().user());
        assertEquals("s3cret", settings.store().password());
        assertFalse(settings.toString().contains("s3cret"));
        assertEquals("https://idp.example.com", settings.oidcIssuer());
        assertEquals("https://burrow.example.com", settings.oidcAudience());
    }

    @Test
    void badValuesAreRefusedWithTheFlagNamed() {
        ConfigException url = assertThrows(ConfigException.class, () -> ConfigResolver.resolveTenancy(
                Map.of(ConfigKey.DB_URL, List.of("postgres://db")), Map.of(), null));
        assertTrue(url.getMessage().contains("--db-url"), url.getMessage());
        ConfigException verifier = assertThrows(ConfigException.class, () -> ConfigResolver.resolveTenancy(
                Map.of(ConfigKey.DOMAIN_VERIFIER, List.of("trust-me")), Map.of(), null));
        assertTrue(verifier.getMessage().contains("--domain-verifier"), verifier.getMessage());
        ConfigException issuer = assertThrows(ConfigException.class, () -> ConfigResolver.resolveTenancy(
                Map.of(ConfigKey.OIDC_ISSUER, List.of("idp.example.com")), Map.of(), null));
        assertTrue(issuer.getMessage().contains("--oidc-issuer"), issuer.getMessage());
    }
}
