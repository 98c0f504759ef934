package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Map;

/**
 * Answers {@code GET /.well-known/burrow/jwks.json} on every HTTP endpoint with the edge's identity key set, first in
 * the request phase: the upstream (or anyone) fetches the keys at its own public URL, they never reach an agent, and
 * no policy or quota stands in front of public keys.
 */
public final class IdentityKeysModule implements RequestModule {
    public static final String PATH = "/.well-known/burrow/jwks.json";
    /** A verifier may keep the set this long: every key is published one rotation period before it signs. */
    private static final String CACHE = "public, max-age=3600";

    private final IdentityAssertions assertions;

    public IdentityKeysModule(IdentityAssertions assertions) {
        this.assertions = assertions;
    }

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        HttpMethod method = exchange.request().method();
        if (!PATH.equals(exchange.request().path()) || (method != HttpMethod.GET && method != HttpMethod.HEAD)) {
            return Chains.PROCEED;
        }
        return Future.succeededFuture(new Verdict.Respond(200, List.of(
                Map.entry("Content-Type", "application/json"),
                Map.entry("Cache-Control", CACHE),
                Map.entry("Access-Control-Allow-Origin", "*")), assertions.keySet(), "identity-keys"));
    }
}
