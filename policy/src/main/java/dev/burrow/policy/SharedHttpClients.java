package dev.burrow.policy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;

import java.util.Map;
import java.util.WeakHashMap;

/** One outgoing HTTP client per Vert.x instance for what actions fetch (JWKS), closed with that instance. */
final class SharedHttpClients {
    private static final Map<Vertx, HttpClient> CLIENTS = new WeakHashMap<>();

    private SharedHttpClients() {
    }

    static synchronized HttpClient of(Vertx vertx) {
        return CLIENTS.computeIfAbsent(vertx, owner -> owner.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0).setName("burrow-policy-fetch")));
    }
}
