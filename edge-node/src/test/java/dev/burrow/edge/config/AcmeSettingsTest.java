package dev.burrow.edge.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ACME flags reach the HTTPS settings from every source, and a bad combination is one sentence naming the flag. */
class AcmeSettingsTest {
    @Test
    void offByDefaultAndOnWithADirectoryFromFlagsOrTheEnvironment() {
        assertFalse(ConfigResolver.resolve(Map.of(), Map.of(), null).https().acme().enabled());
        AcmeSettings acme = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                        ConfigKey.ACME_MAX_PER_TENANT, List.of("7")),
                Map.of("BURROW_ACME_EMAIL", "ops@example.com", "BURROW_ACME_EAB_KID", "kid-1", "BURROW_ACME_EAB_HMAC_KEY", "c2VjcmV0"),
                null).https().acme();
        assertTrue(acme.enabled());
        assertEquals(URI.create("https://ca.example/dir"), acme.directory());
        assertEquals("ops@example.com", acme.email());
        assertEquals("kid-1", acme.eabKid());
        assertEquals(7, acme.maxPerTenant());
        assertFalse(acme.toString().contains("c2VjcmV0"), "the EAB key is never printed: " + acme);
    }

    @Test
    void aPlainHttpDirectoryOrHalfAnEabPairIsRefused() {
        ConfigException http = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.ACME_DIRECTORY, List.of("http://ca.example/dir")), Map.of(), null));
        assertTrue(http.getMessage().startsWith("--acme-directory http://ca.example/dir is not an https URL"), http.getMessage());
        ConfigException eab = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_EAB_KID, List.of("kid")),
                Map.of(), null));
        assertTrue(eab.getMessage().contains("--acme-eab-kid and --acme-eab-hmac-key go together"), eab.getMessage());
    }

    @Test
    void aDnsHookIsAProgramOrAWebhookWithABoundedTimeout() {
        AcmeSettings acme = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                ConfigKey.ACME_DNS_HOOK_URL, List.of("https://dns.example/hook?token=s3cret"),
                ConfigKey.ACME_DNS_HOOK_TIMEOUT, List.of("90s")), Map.of(), null).https().acme();
        assertTrue(acme.dnsHook().enabled());
        assertEquals(java.time.Duration.ofSeconds(90), acme.dnsHook().timeout());
        assertFalse(acme.toString().contains("s3cret"), "the webhook's query is never printed: " + acme);
        assertFalse(AcmeSettings.off().dnsHook().enabled());

        ConfigException both = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_HOOK_URL, List.of("https://dns.example/"),
                ConfigKey.ACME_DNS_HOOK_COMMAND, List.of("/bin/true")), Map.of(), null));
        assertTrue(both.getMessage().startsWith("--acme-dns-hook-command and --acme-dns-hook-url"), both.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_HOOK_COMMAND, List.of("/no/such/hook")),
                Map.of(), null));
        assertTrue(missing.getMessage().contains("/no/such/hook is not an executable file"), missing.getMessage());
        ConfigException tooLong = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_HOOK_COMMAND, List.of("/bin/true"),
                ConfigKey.ACME_DNS_HOOK_TIMEOUT, List.of("10m")), Map.of(), null));
        assertTrue(tooLong.getMessage().contains("--acme-dns-hook-timeout 600 s must be above 0 and at most 120 s"), tooLong.getMessage());
    }

    @Test
    void aDelegationZoneNeedsAHookAndIsAZone() {
        AcmeSettings acme = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                ConfigKey.ACME_DNS_HOOK_COMMAND, List.of("/bin/true"), ConfigKey.ACME_DNS_DELEGATION_ZONE, List.of("ACME-Delegate.example.com.")),
                Map.of(), null).https().acme();
        assertEquals("acme-delegate.example.com", acme.dnsHook().delegationZone());
        ConfigException noHook = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_DELEGATION_ZONE, List.of("acme.example.com")),
                Map.of(), null));
        assertTrue(noHook.getMessage().startsWith("--acme-dns-delegation-zone acme.example.com needs a DNS hook"), noHook.getMessage());
        ConfigException notAZone = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_HOOK_COMMAND, List.of("/bin/true"),
                ConfigKey.ACME_DNS_DELEGATION_ZONE, List.of("localhost")), Map.of(), null));
        assertTrue(notAZone.getMessage().contains("is not a DNS zone"), notAZone.getMessage());
    }

    @Test
    void zoneHooksAreRepeatableAndEachNamesAZoneAndAProgramOrAWebhook() {
        AcmeSettings acme = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                ConfigKey.ACME_DNS_ZONE_HOOK, List.of("Corp.NET.=/bin/true", "eu.corp.net=https://dns.example/hook?token=s3cret"),
                ConfigKey.ACME_DNS_RESOLVER, List.of("127.0.0.1:8053")), Map.of(), null).https().acme();
        assertTrue(acme.dnsHook().enabled());
        assertFalse(acme.dnsHook().unscoped());
        assertEquals(List.of(new DnsZoneHook("corp.net", java.nio.file.Path.of("/bin/true"), null),
                new DnsZoneHook("eu.corp.net", null, URI.create("https://dns.example/hook?token=s3cret"))), acme.dnsHook().zoneHooks());
        assertEquals(new HostPort("127.0.0.1", 8053), acme.dnsHook().resolver());
        assertFalse(acme.toString().contains("s3cret"), "a zone webhook's query is never printed: " + acme);
        assertEquals(53, ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                ConfigKey.ACME_DNS_RESOLVER, List.of("10.0.0.2")), Map.of(), null).https().acme().dnsHook().resolver().port());
        AcmeSettings fromEnv = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir")),
                Map.of("BURROW_ACME_DNS_ZONE_HOOK", "a.example=/bin/true, b.example=/bin/true"), null).https().acme();
        assertEquals(List.of("a.example", "b.example"), fromEnv.dnsHook().zoneHooks().stream().map(DnsZoneHook::zone).toList());
    }

    @Test
    void twoHooksForOneZoneOrAMalformedZoneHookIsRefusedNamingIt() {
        ConfigException twice = zoneHooks("corp.net=/bin/true", "CORP.net.=/bin/false");
        assertEquals("--acme-dns-zone-hook: two hooks claim the zone corp.net (corp.net=/bin/true and corp.net=/bin/false);"
                + " give one hook per zone", twice.getMessage());
        assertTrue(zoneHooks("corp.net").getMessage().startsWith("--acme-dns-zone-hook: \"corp.net\" is not ZONE=PROGRAM or ZONE=URL"),
                zoneHooks("corp.net").getMessage());
        assertTrue(zoneHooks("=/bin/true").getMessage().contains("\"\" is not a DNS zone"), zoneHooks("=/bin/true").getMessage());
        assertTrue(zoneHooks("*.corp.net=/bin/true").getMessage().contains("\"*.corp.net\" is not a DNS zone"));
        assertTrue(zoneHooks("corp.net=").getMessage().contains("names no hook after '='"), zoneHooks("corp.net=").getMessage());
        assertTrue(zoneHooks("corp.net=ftp://dns.example/").getMessage().contains("a webhook must be an http or https URL"));
        assertTrue(zoneHooks("corp.net=/no/such/hook").getMessage().equals("--acme-dns-zone-hook corp.net=/no/such/hook: not an executable file"),
                zoneHooks("corp.net=/no/such/hook").getMessage());
    }

    @Test
    void aDelegationZoneNeedsAHookThatPublishesInIt() {
        ConfigException elsewhere = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_ZONE_HOOK, List.of("corp.net=/bin/true"),
                ConfigKey.ACME_DNS_DELEGATION_ZONE, List.of("acme.example.com")), Map.of(), null));
        assertTrue(elsewhere.getMessage().contains("--acme-dns-zone-hook acme.example.com=…"), elsewhere.getMessage());
        AcmeSettings covered = ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY, List.of("https://ca.example/dir"),
                ConfigKey.ACME_DNS_ZONE_HOOK, List.of("example.com=/bin/true"), ConfigKey.ACME_DNS_DELEGATION_ZONE,
                List.of("acme.example.com")), Map.of(), null).https().acme();
        assertEquals("acme.example.com", covered.dnsHook().delegationZone());
    }

    private static ConfigException zoneHooks(String... values) {
        return assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(ConfigKey.ACME_DIRECTORY,
                List.of("https://ca.example/dir"), ConfigKey.ACME_DNS_ZONE_HOOK, List.of(values)), Map.of(), null));
    }
}
