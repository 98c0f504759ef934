package dev.burrow.bench;

import dev.burrow.protocol.HopByHop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the edge does to a received head before it crosses the link: drop hop-by-hop fields, add X-Forwarded-*. */
final class HeaderPath {
    private HeaderPath() {
    }

    static List<Map.Entry<String, String>> forwarded(List<Map.Entry<String, String>> received, String clientIp, String proto,
                                                     String host) {
        List<Map.Entry<String, String>> out = withoutHopByHop(received, 3);
        out.add(Map.entry("X-Forwarded-For", clientIp));
        out.add(Map.entry("X-Forwarded-Proto", proto));
        out.add(Map.entry("X-Forwarded-Host", host));
        return out;
    }

    static List<Map.Entry<String, String>> withoutHopByHop(List<Map.Entry<String, String>> received, int room) {
        List<Map.Entry<String, String>> out = new ArrayList<>(received.size() + room);
        for (Map.Entry<String, String> header : received) {
            String name = header.getKey();
            if (!HopByHop.HEADERS.contains(name.toLowerCase(Locale.ROOT)) || HopByHop.passesOn(name, header.getValue())) {
                out.add(header);
            }
        }
        return out;
    }
}
