package dev.burrow.agent.forward;

import dev.burrow.protocol.HopByHop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The headers that describe one connection, not the message (RFC 9110 section 7.6.1), and must not be relayed. */
public final class HopByHopHeaders {
    static final Set<String> NAMES = HopByHop.HEADERS;
    private static final Set<String> NAMES_ANY_CASE = caseInsensitive(NAMES);

    private HopByHopHeaders() {
    }

    private static Set<String> caseInsensitive(Set<String> names) {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSet(set);
    }

    /**
     * The headers without hop-by-hop ones, including those the Connection header lists. With
     * {@code keepUpgrade}, Upgrade and "Connection: upgrade" survive (for relaying a protocol switch).
     */
    public static List<Map.Entry<String, String>> strip(List<Map.Entry<String, String>> headers, boolean keepUpgrade) {
        // Called for every request and response: no allocation beyond the result unless Connection lists names.
        Set<String> listed = null;
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase("connection")) {
                for (String token : header.getValue().split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty() && !NAMES_ANY_CASE.contains(name)) {
                        if (listed == null) {
                            listed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                        }
                        listed.add(name);
                    }
                }
            }
        }
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (keepUpgrade && (name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("connection"))) {
                kept.add(name.equalsIgnoreCase("connection") ? Map.entry(name, "Upgrade") : header);
            } else if ((!NAMES_ANY_CASE.contains(name) || HopByHop.passesOn(name, header.getValue()))
                    && (listed == null || !listed.contains(name))) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** True when the request asks to switch protocols (WebSocket and the like). */
    public static boolean isUpgrade(List<Map.Entry<String, String>> headers) {
        boolean upgrade = false;
        boolean connectionUpgrade = false;
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase("upgrade") && !header.getValue().isBlank()) {
                upgrade = true;
            } else if (header.getKey().equalsIgnoreCase("connection")) {
                for (String token : header.getValue().split(",")) {
                    connectionUpgrade |= token.trim().equalsIgnoreCase("upgrade");
                }
            }
        }
        return upgrade && connectionUpgrade;
    }
}
