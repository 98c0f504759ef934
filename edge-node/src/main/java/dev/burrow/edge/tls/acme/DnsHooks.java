package dev.burrow.edge.tls.acme;

import dev.burrow.edge.config.AcmeSettings;
import dev.burrow.edge.config.DnsZoneHook;
import dev.burrow.edge.registry.Hostnames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's DNS hooks, chosen by where a record is published: the hook of the longest zone that contains the
 * record's name ({@code --acme-dns-zone-hook}), else the unscoped hook ({@code --acme-dns-hook-command} or
 * {@code --acme-dns-hook-url}), else none. Zones match on label boundaries: {@code example.com} holds
 * {@code _acme-challenge.web.example.com.}, not {@code _acme-challenge.webexample.com.}.
 */
final class DnsHooks {
    static final DnsHooks NONE = new DnsHooks(null, Map.of());

    private final TxtRecordHook unscoped;
    private final Map<String, TxtRecordHook> byZone;

    DnsHooks(TxtRecordHook unscoped, Map<String, TxtRecordHook> byZone) {
        this.unscoped = unscoped;
        this.byZone = Map.copyOf(byZone);
    }

    static DnsHooks of(AcmeSettings.DnsHook settings) {
        Map<String, TxtRecordHook> byZone = new LinkedHashMap<>();
        for (DnsZoneHook zone : settings.zoneHooks()) {
            byZone.put(zone.zone(), TxtRecordHook.of(zone.command(), zone.url(), settings.timeout()));
        }
        return new DnsHooks(TxtRecordHook.of(settings.command(), settings.url(), settings.timeout()), byZone);
    }

    /** The hook that publishes a TXT record named {@code record} (final dot or not), or null when no hook may. */
    TxtRecordHook forRecord(String record) {
        String name = Hostnames.normalize(record);
        if (name == null) {
            return unscoped;
        }
        TxtRecordHook own = byZone.get(name);
        if (own != null) {
            return own;
        }
        for (String parent : Hostnames.wildcardAncestors(name)) { // longest first
            TxtRecordHook hook = byZone.get(parent);
            if (hook != null) {
                return hook;
            }
        }
        return unscoped;
    }

    /** Whether any hook is configured. */
    boolean any() {
        return unscoped != null || !byZone.isEmpty();
    }

    /** The zones named by a zone hook. */
    List<String> zones() {
        return byZone.keySet().stream().sorted().toList();
    }
}
