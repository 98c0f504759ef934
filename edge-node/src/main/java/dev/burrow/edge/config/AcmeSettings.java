package dev.burrow.edge.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Automatic certificates from an ACME CA for the public HTTPS listener ({@code --acme-directory} and friends); off
 * when no directory is given. See docs/https.md.
 *
 * @param directory    the CA's ACME directory URL (https), or null: ACME off
 * @param email        contact address given to the CA when the account is created, or null
 * @param eabKid       external account binding key id, for CAs that need one (with {@code eabHmacKey}), or null
 * @param eabHmacKey   external account binding MAC key, base64url as the CA shows it, or null
 * @param directoryCa  PEM file of the CA that signed the ACME server's own HTTPS certificate (a private ACME server),
 *                     or null: the JVM's trusted CAs
 * @param maxPerTenant certificates one tenant's names may hold; a further name is refused and logged
 * @param challenge    how the CA validates a name: {@link #HTTP_01} on the plain HTTP port (port 80 for a public CA)
 *                     or {@link #TLS_ALPN_01} on the HTTPS port (443)
 * @param dnsHook      how a DNS-01 TXT record is published, for the wildcard {@code *.DOMAIN}, a tenant's reserved
 *                     wildcard, and custom domains that delegate their challenge; {@link DnsHook#NONE}: no wildcard is
 *                     ordered
 */
public record AcmeSettings(URI directory, String email, String eabKid, String eabHmacKey, Path directoryCa,
                           int maxPerTenant, String challenge, DnsHook dnsHook) {
    public static final int DEFAULT_MAX_PER_TENANT = 100;
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";

    public AcmeSettings {
        challenge = challenge == null ? HTTP_01 : challenge;
        dnsHook = dnsHook == null ? DnsHook.NONE : dnsHook;
    }

    public static AcmeSettings off() {
        return new AcmeSettings(null, null, null, null, null, DEFAULT_MAX_PER_TENANT, HTTP_01, DnsHook.NONE);
    }

    /**
     * The provider hooks that publish and remove a DNS-01 TXT record: the unscoped hook, a program
     * ({@code --acme-dns-hook-command}) or an HTTP webhook ({@code --acme-dns-hook-url}), one of them, for every record no
     * zone hook claims; and zone hooks ({@code --acme-dns-zone-hook ZONE=…}), each for the records at or under its zone
     * (the longest zone wins). Each call is bounded by {@code timeout}. See docs/https.md for the contract.
     *
     * @param delegationZone a zone a hook can publish in ({@code --acme-dns-delegation-zone}, such as
     *                       {@code acme-delegate.example.com}), lower case without the final dot; a name outside the
     *                       edge's zones whose owner points {@code _acme-challenge.NAME} by CNAME at {@code NAME.ZONE}
     *                       is then validated over DNS-01 there; null: no name is delegated
     * @param zoneHooks      the hooks of named zones, no two for one zone
     * @param resolver       the DNS server asked for {@code _acme-challenge} CNAMEs ({@code --acme-dns-resolver}), or
     *                       null: the system's resolver
     */
    public record DnsHook(Path command, URI url, Duration timeout, String delegationZone, List<DnsZoneHook> zoneHooks,
                          HostPort resolver) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
        /** A call may not take longer: set, validation and clear all run under the name's order lock. */
        public static final Duration MAX_TIMEOUT = Duration.ofSeconds(120);
        public static final int DNS_PORT = 53;
        public static final DnsHook NONE = new DnsHook(null, null, DEFAULT_TIMEOUT, null);

        public DnsHook {
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            zoneHooks = zoneHooks == null ? List.of() : List.copyOf(zoneHooks);
            if (delegationZone != null) {
                delegationZone = delegationZone.trim().toLowerCase(java.util.Locale.ROOT);
                delegationZone = delegationZone.endsWith(".") ? delegationZone.substring(0, delegationZone.length() - 1) : delegationZone;
            }
        }

        public DnsHook(Path command, URI url, Duration timeout, String delegationZone) {
            this(command, url, timeout, delegationZone, List.of(), null);
        }

        /** Whether any hook is configured: the unscoped one or a zone's. */
        public boolean enabled() {
            return unscoped() || !zoneHooks.isEmpty();
        }

        /** Whether the unscoped hook is configured. */
        public boolean unscoped() {
            return command != null || url != null;
        }

        DnsHook validate() {
            if (command != null && url != null) {
                throw new ConfigException("--acme-dns-hook-command and --acme-dns-hook-url are two ways to do one thing; give one");
            }
            if (command != null && !Files.isExecutable(command)) {
                throw new ConfigException("--acme-dns-hook-command " + command.toAbsolutePath() + " is not an executable file");
            }
            if (url != null && (url.getHost() == null || !("http".equalsIgnoreCase(url.getScheme())
                    || "https".equalsIgnoreCase(url.getScheme())))) {
                throw new ConfigException("--acme-dns-hook-url " + url + " is not an http or https URL");
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new ConfigException("--acme-dns-hook-timeout " + timeout.toSeconds() + " s must be above 0 and at most "
                        + MAX_TIMEOUT.toSeconds() + " s");
            }
            Map<String, DnsZoneHook> byZone = new HashMap<>();
            for (DnsZoneHook hook : zoneHooks) {
                DnsZoneHook other = byZone.putIfAbsent(hook.zone(), hook.validate());
                if (other != null) {
                    throw new ConfigException("--acme-dns-zone-hook: two hooks claim the zone " + hook.zone() + " (" + other
                            + " and " + hook + "); give one hook per zone");
                }
            }
            if (delegationZone != null && (!dev.burrow.edge.registry.Hostnames.isValidHostname(delegationZone)
                    || !delegationZone.contains("."))) {
                throw new ConfigException("--acme-dns-delegation-zone " + delegationZone + " is not a DNS zone such as"
                        + " acme-delegate.example.com");
            }
            if (delegationZone != null && !unscoped() && zoneHooks.stream().noneMatch(hook -> hook.contains(delegationZone))) {
                throw new ConfigException("--acme-dns-delegation-zone " + delegationZone + " needs a DNS hook that publishes records"
                        + " in it (--acme-dns-hook-command, --acme-dns-hook-url, or --acme-dns-zone-hook " + delegationZone + "=…)");
            }
            return this;
        }

        /** A URL without its query and user info, which may carry a secret. */
        static String printable(URI url) {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + (url.getRawPath() == null ? "" : url.getRawPath());
        }

        @Override
        public String toString() {
            String where = command != null ? "command " + command : url != null ? "url " + printable(url) : "none";
            return "DnsHook[" + where + ", timeout=" + timeout.toMillis() + " ms"
                    + (zoneHooks.isEmpty() ? "" : ", zoneHooks=" + zoneHooks)
                    + (delegationZone == null ? "" : ", delegationZone=" + delegationZone)
                    + (resolver == null ? "" : ", resolver=" + resolver.host() + ":" + resolver.port()) + "]";
        }
    }

    public boolean enabled() {
        return directory != null;
    }

    /** Checks the values; throws {@link ConfigException} with a sentence naming the flag. */
    public AcmeSettings validate() {
        if (directory == null) {
            return this;
        }
        if (!"https".equalsIgnoreCase(directory.getScheme()) || directory.getHost() == null) {
            throw new ConfigException("--acme-directory " + directory + " is not an https URL; give the CA's ACME directory, "
                    + "e.g. https://acme-v02.api.letsencrypt.org/directory");
        }
        if ((eabKid == null) != (eabHmacKey == null)) {
            throw new ConfigException("--acme-eab-kid and --acme-eab-hmac-key go together; give both or neither");
        }
        if (directoryCa != null && !Files.isReadable(directoryCa)) {
            throw new ConfigException("--acme-directory-ca " + directoryCa.toAbsolutePath() + " is not a readable PEM file");
        }
        if (!challenge.equals(HTTP_01) && !challenge.equals(TLS_ALPN_01)) {
            throw new ConfigException("--acme-challenge " + challenge + " is not one of " + HTTP_01 + ", " + TLS_ALPN_01);
        }
        if (maxPerTenant < 1) {
            throw new ConfigException("--acme-max-per-tenant " + maxPerTenant + " must be at least 1");
        }
        dnsHook.validate();
        return this;
    }

    @Override
    public String toString() {
        return "AcmeSettings[directory=" + directory + ", email=" + email + ", eabKid=" + eabKid + ", eabHmacKey="
                + (eabHmacKey == null ? null : "HIDDEN") + ", directoryCa=" + directoryCa + ", maxPerTenant=" + maxPerTenant
                + ", challenge=" + challenge + ", dnsHook=" + dnsHook + "]";
    }
}
