package dev.burrow.edge.config;

import dev.burrow.edge.registry.Hostnames;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A DNS hook for one zone ({@code --acme-dns-zone-hook ZONE=PROGRAM} or {@code ZONE=URL}): the records of DNS-01
 * challenges at or under {@code zone} are published by it rather than by the unscoped hook; of several, the longest
 * zone that contains a record wins. The contract is the unscoped hook's (docs/https.md).
 *
 * @param zone    lower case, without a final dot ({@code team.example.com})
 * @param command the program, or null
 * @param url     the webhook ({@code http} or {@code https}), or null; one of the two is given
 */
public record DnsZoneHook(String zone, Path command, URI url) {
    static final String EXAMPLE = "team.example.com=/etc/burrow/dns-hook or team.example.com=https://dns.example.com/hook";

    /** Parses {@code ZONE=PROGRAM} or {@code ZONE=URL}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static DnsZoneHook parse(String text) {
        String value = text == null ? "" : text.trim();
        int equals = value.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("\"" + value + "\" is not ZONE=PROGRAM or ZONE=URL, such as " + EXAMPLE);
        }
        String zoneText = value.substring(0, equals).trim().toLowerCase(Locale.ROOT);
        String zone = zoneText.endsWith(".") ? zoneText.substring(0, zoneText.length() - 1) : zoneText;
        if (!Hostnames.isValidHostname(zone) || !zone.contains(".")) {
            throw new IllegalArgumentException("\"" + value + "\": \"" + zoneText + "\" is not a DNS zone such as team.example.com");
        }
        String target = value.substring(equals + 1).trim();
        if (target.isEmpty()) {
            throw new IllegalArgumentException("\"" + value + "\" names no hook after '='; give a program or an http(s) URL");
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI url;
            try {
                url = URI.create(target);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + zone + "=…\": the hook's URL is not a valid URL");
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("\"" + zone + "=…\": the hook's URL has no host");
            }
            return new DnsZoneHook(zone, null, url);
        }
        if (lower.contains("://")) {
            throw new IllegalArgumentException("\"" + zone + "=" + target.substring(0, lower.indexOf("://"))
                    + "://…\": a webhook must be an http or https URL");
        }
        return new DnsZoneHook(zone, Path.of(target), null);
    }

    /** Throws {@link ConfigException} when the program cannot be run. */
    DnsZoneHook validate() {
        if (command != null && !Files.isExecutable(command)) {
            throw new ConfigException("--acme-dns-zone-hook " + zone + "=" + command.toAbsolutePath() + ": not an executable file");
        }
        return this;
    }

    /** Whether {@code name} (normalized) is this zone or under it. */
    public boolean contains(String name) {
        return name.equals(zone) || Hostnames.isUnder(name, zone);
    }

    /** The webhook's query and user info may carry a secret: never printed. */
    @Override
    public String toString() {
        return zone + "=" + (command != null ? command.toString() : AcmeSettings.DnsHook.printable(url));
    }
}
