package dev.burrow.edge.chain;

import dev.burrow.protocol.HopByHop;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Drops hop-by-hop headers (RFC 9110 7.6.1: one list, plus any header named in {@code Connection}) both ways, so that
 * what one connection negotiated never leaks onto the next. Kept: {@code Upgrade}/{@code Connection: upgrade} of an
 * upgrade request and of a 101 answer, and {@code TE: trailers} of a request ({@link HopByHop#passesOn}). Also dropped from requests: {@code Expect} (the edge answers 100-continue
 * itself).
 */
public final class HopByHopModule implements RequestModule, ResponseModule {
    private static final Set<String> HOP_BY_HOP = HopByHop.HEADERS;

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        List<Map.Entry<String, String>> headers = exchange.forwardHeaders();
        Set<String> named = connectionTokens(headers);
        String upgradeTo = exchange.upgrade() ? exchange.request().headers().get("upgrade") : null;
        for (int i = headers.size() - 1; i >= 0; i--) {
            String name = headers.get(i).getKey().toLowerCase(Locale.ROOT);
            boolean passesOn = HopByHop.passesOn(name, headers.get(i).getValue()) && !named.contains(name);
            if ((HOP_BY_HOP.contains(name) && !passesOn) || named.contains(name) || name.equals("expect")) {
                headers.remove(i);
            }
        }
        if (upgradeTo != null) {
            headers.add(Exchange.entry("Connection", "Upgrade"));
            headers.add(Exchange.entry("Upgrade", upgradeTo));
        }
        return Chains.PROCEED;
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        List<Map.Entry<String, String>> headers = exchange.responseHeaders();
        boolean switching = exchange.responseStatus() == 101;
        Set<String> named = connectionTokens(headers);
        for (int i = headers.size() - 1; i >= 0; i--) {
            String name = headers.get(i).getKey().toLowerCase(Locale.ROOT);
            if (switching && (name.equals("upgrade") || name.equals("connection"))) {
                continue;
            }
            if (HOP_BY_HOP.contains(name) || named.contains(name) || (switching && name.equals("content-length"))) {
                headers.remove(i);
            }
        }
        return Verdict.PROCEED;
    }

    /** The header names listed in {@code Connection} values, lowercase (usually none: no set is built then). */
    static Set<String> connectionTokens(List<Map.Entry<String, String>> headers) {
        Set<String> tokens = null;
        for (Map.Entry<String, String> header : headers) {
            if (!header.getKey().equalsIgnoreCase("connection")) {
                continue;
            }
            for (String token : header.getValue().split(",")) {
                String trimmed = token.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    (tokens == null ? tokens = new HashSet<>() : tokens).add(trimmed);
                }
            }
        }
        return tokens == null ? Set.of() : tokens;
    }
}
