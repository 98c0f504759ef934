package dev.burrow.edge.tls.acme;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Answers {@code GET /.well-known/acme-challenge/TOKEN} on the plain HTTP port before any endpoint routing, from the
 * cluster's {@link Http01Tokens}: 200 with the key authorization, or 404. Every other request is left to the endpoint
 * it names ({@link #test} returns false).
 */
public final class Http01Responder implements Predicate<HttpServerRequest> {
    public static final String PREFIX = "/.well-known/acme-challenge/";
    /** RFC 8555: a token is base64url, at least 128 bits; anything else is not ours to answer. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,256}");

    private final Vertx vertx;
    private final Http01Tokens tokens;

    public Http01Responder(Vertx vertx, Http01Tokens tokens) {
        this.vertx = vertx;
        this.tokens = tokens;
    }

    /** Whether this request was a challenge and has been answered (or is being answered). */
    @Override
    public boolean test(HttpServerRequest request) {
        String path = request.path();
        if (request.method() != HttpMethod.GET || path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        String token = path.substring(PREFIX.length());
        if (!TOKEN.matcher(token).matches()) {
            request.response().setStatusCode(404).end();
            return true;
        }
        request.pause();
        tokens.answer(vertx, token).onComplete(found -> {
            request.resume();
            if (found.succeeded() && found.result() != null) {
                request.response().putHeader("Content-Type", "application/octet-stream").end(found.result());
            } else {
                request.response().setStatusCode(404).end();
            }
        });
        return true;
    }
}
