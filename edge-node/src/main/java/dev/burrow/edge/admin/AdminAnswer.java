package dev.burrow.edge.admin;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** Reads the admin API's answer for {@link AdminCommand}, and says in a user's words why there was none. */
final class AdminAnswer {
    private AdminAnswer() {
    }

    /** The answer did not come from the admin API: another service listens at {@code --api}. */
    static final class NotTheAdminApi extends RuntimeException {
        NotTheAdminApi(String message) {
            super(message, null, false, false);
        }
    }

    /** The body as JSON; an empty body is an empty object; anything else means {@code --api} names another service. */
    static JsonObject json(HttpResponse<String> response, String api) {
        String body = response.body();
        if (body.isBlank()) {
            return new JsonObject();
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            String type = response.headers().firstValue("content-type").orElse("no content type");
            throw new NotTheAdminApi("the answer from " + api + " is not the admin API's (HTTP " + response.statusCode()
                    + ", " + type + "); --api must name the node's ops address, printed at start as "
                    + "\"Ops (healthz, readyz, metrics) listening on HOST:PORT\"");
        }
    }

    /** Why a request got no answer at all, as a sentence (an exception's message may be null or a class name). */
    static String why(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectException || e instanceof ConnectException) {
            return "nothing accepts connections there (is the node running, and is --api its ops address?)";
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
            return "no answer in time (" + cause.getMessage() + ")";
        }
        if (cause instanceof UnresolvedAddressException) {
            return "the host name does not resolve";
        }
        if (cause instanceof IllegalArgumentException) {
            return "not a URL like http://127.0.0.1:9090 (" + cause.getMessage() + ")";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
