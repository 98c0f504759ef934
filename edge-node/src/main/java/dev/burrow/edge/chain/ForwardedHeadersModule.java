package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * Tells the upstream who asked and how: {@code X-Forwarded-For} gets the client's address appended (after any values
 * the client sent, joined into one header), {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} are set by the
 * edge, never taken from the client. The client address is the socket peer, or a trusted PROXY header's.
 */
public final class ForwardedHeadersModule implements RequestModule {

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        List<Map.Entry<String, String>> headers = exchange.forwardHeaders();
        String forwardedFor = null;
        int keep = 0;
        for (int i = 0; i < headers.size(); i++) {
            Map.Entry<String, String> header = headers.get(i);
            String name = header.getKey();
            if (name.equalsIgnoreCase("x-forwarded-for")) {
                forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
            } else if (!name.equalsIgnoreCase("x-forwarded-proto") && !name.equalsIgnoreCase("x-forwarded-host")) {
                headers.set(keep++, header);
            }
        }
        for (int last = headers.size() - 1; last >= keep; last--) {
            headers.remove(last);
        }
        String clientIp = exchange.connection().clientIp();
        headers.add(Exchange.entry("X-Forwarded-For", forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp));
        headers.add(Exchange.entry("X-Forwarded-Proto", exchange.scheme()));
        if (exchange.rawHost() != null) {
            headers.add(Exchange.entry("X-Forwarded-Host", exchange.rawHost()));
        }
        return Chains.PROCEED;
    }
}
